"""The document types each program asks for, as data (editable in the admin).

小規模事業者持続化補助金<一般型>: the 事業支援計画書 (様式4) from the 商工会・商工会議所 is
required of everyone (seed 003 names it); a corporation adds its latest 貸借対照表 and
損益計算書, a sole proprietor the latest 確定申告書. Quotations and photos are optional at
application (quotations are evidence again at 実績報告).
"""

from django.db import migrations

REQUIREMENTS = [
    # program, frame, document type, applies to, required, note
    ("jizokuka_general", "", "support_plan", "all", True, "商工会・商工会議所が発行する事業支援計画書（様式4）"),
    ("jizokuka_general", "", "financial_statements", "corporation", True, "直近1期分の貸借対照表および損益計算書"),
    ("jizokuka_general", "", "tax_return", "sole_proprietor", True, "直近の確定申告書（第一表・第二表と収支内訳書または青色申告決算書）"),
    ("jizokuka_general", "", "quotation", "all", False, "補助対象経費の見積書（実績報告では証憑として必要です）"),
    ("jizokuka_general", "", "photo", "all", False, "店舗・設備・商品などの写真"),
    ("monodukuri", "", "financial_statements", "corporation", True, "直近2期分の決算書"),
    ("monodukuri", "", "tax_return", "sole_proprietor", True, "直近の確定申告書"),
    ("monodukuri", "", "registry_certificate", "corporation", True, "履歴事項全部証明書（発行から3か月以内）"),
    ("monodukuri", "", "quotation", "all", True, "機械装置等の見積書"),
    ("it_donyu", "", "registry_certificate", "corporation", True, "履歴事項全部証明書（発行から3か月以内）"),
    ("it_donyu", "", "tax_return", "sole_proprietor", True, "直近の確定申告書"),
    ("it_donyu", "", "quotation", "all", False, "ITツールの見積書"),
]


def forwards(apps, schema_editor):
    DocumentRequirement = apps.get_model("documents", "DocumentRequirement")
    for order, (program, frame, document_type, applies_to, required, note) in enumerate(REQUIREMENTS):
        DocumentRequirement.objects.update_or_create(
            program=program, frame=frame, document_type=document_type, applies_to=applies_to,
            defaults={"required": required, "note": note, "order": order},
        )


def backwards(apps, schema_editor):
    DocumentRequirement = apps.get_model("documents", "DocumentRequirement")
    for program, frame, document_type, applies_to, _required, _note in REQUIREMENTS:
        DocumentRequirement.objects.filter(program=program, frame=frame, document_type=document_type, applies_to=applies_to).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
