"""Rounds 9-11 of 小規模事業者持続化補助金<一般型> with the dates of seed 003 §11.

The seed gives each round's 受付締切日, the reference date of the representative's age
for 事業承継加点 and the latest certification date for 経営力向上計画加点. Round 11's
deadline is given only as 「2023年2月下旬」(詳細は今後ご案内します): we take the last day
of February 2023 and keep the seed's wording in deadline_note. Deadlines are the end of
the day in Japan time. The seed gives no opening dates; a round opens the day after the
previous round's deadline.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations

JST = ZoneInfo("Asia/Tokyo")
ROUNDS = [
    # number, opens_on, deadline date, age reference date, 経営力向上計画 certified by, note
    (9, dt.date(2022, 6, 4), dt.date(2022, 9, 20), dt.date(2021, 12, 31), dt.date(2022, 3, 31), ""),
    (10, dt.date(2022, 9, 21), dt.date(2022, 12, 9), dt.date(2021, 12, 31), dt.date(2022, 3, 31), ""),
    (11, dt.date(2022, 12, 10), dt.date(2023, 2, 28), dt.date(2022, 12, 31), dt.date(2022, 12, 31), "2023年2月下旬 ※詳細は今後ご案内します。"),
]


def forwards(apps, schema_editor):
    SubsidyRound = apps.get_model("applications", "SubsidyRound")
    for number, opens_on, deadline, reference, certified_by, note in ROUNDS:
        SubsidyRound.objects.update_or_create(
            program="jizokuka_general", number=number,
            defaults={
                "fiscal_year": 2022, "opens_on": opens_on,
                "deadline": dt.datetime.combine(deadline, dt.time(23, 59, 59), tzinfo=JST),
                "reference_date": reference, "plan_certified_by": certified_by, "deadline_note": note,
            },
        )


def backwards(apps, schema_editor):
    apps.get_model("applications", "SubsidyRound").objects.filter(program="jizokuka_general", number__in=[9, 10, 11]).delete()


class Migration(migrations.Migration):
    dependencies = [("applications", "0002_once_only")]
    operations = [migrations.RunPython(forwards, backwards)]
