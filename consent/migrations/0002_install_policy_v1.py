import datetime as dt

from django.db import migrations

from consent.policy_loader import install_policy

POLICY_TEXT = (
    "補助金・行政手続・中小企業庁の設置する各種相談窓口等で申請時・利用時・事業報告提出時等に提供いただいた情報は、"
    "中小企業庁関連事業データ利活用ポリシーに則り、効果的な政策立案や経営支援等のために、"
    "【利活用目的・データ区分・データ提供先】の表に定める利活用目的で利活用され、提供先に提供される場合があります。"
    "ただし、行政手続については、データ利活用につき個別に同意いただいた場合に限ります。"
)


def forwards(apps, schema_editor):
    install_policy(apps, "policy-v1.json", version="1.0", effective_from=dt.date(2022, 4, 1),
                   title="中小企業庁関連事業データ利活用ポリシー", text=POLICY_TEXT)


def backwards(apps, schema_editor):
    PolicyVersion = apps.get_model("consent", "PolicyVersion")
    for model in ("Purpose", "Recipient", "DataClass"):
        apps.get_model("consent", model).objects.filter(policy__version="1.0").delete()
    PolicyVersion.objects.filter(version="1.0").delete()


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
