"""The 書面審査 criteria of the 持続化補助金<一般型> call (公募要領「審査の観点」), for every
round of the program already in the database (rounds 9-11 come from applications 0003).
Agency staff add or change criteria of later calls as data (admin)."""

from django.db import migrations

CRITERIA = [
    ("analysis", "自社の経営状況分析の妥当性", "自社の製品・サービスや自社の強みを適切に把握しているか。", 20),
    ("policy", "経営方針・目標と今後のプランの適切性",
     "経営方針・目標と今後のプランは、自社の強みを踏まえ、対象とする市場の特性を踏まえているか。", 20),
    ("plan", "補助事業計画の有効性",
     "補助事業計画は具体的で、実現可能性が高く、販路開拓を目指すものとして必要かつ有効か。小規模事業者ならではの創意工夫の特徴があるか。", 40),
    ("budget", "積算の透明・適切性", "事業費の計上・積算が正確・明確で、事業実施に必要なものとなっているか。", 20),
]


def forwards(apps, schema_editor):
    SubsidyRound = apps.get_model("applications", "SubsidyRound")
    ReviewCriterion = apps.get_model("reviews", "ReviewCriterion")
    for subsidy_round in SubsidyRound.objects.filter(program="jizokuka_general"):
        for position, (code, name, description, points) in enumerate(CRITERIA):
            ReviewCriterion.objects.get_or_create(subsidy_round=subsidy_round, code=code, defaults={
                "name": name, "description": description, "max_points": points, "position": position})


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("applications", "0003_rounds_9_to_11"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
