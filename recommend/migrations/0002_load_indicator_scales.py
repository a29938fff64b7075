"""Load the ローカルベンチマーク cut points from recommend/data/local_benchmark_scales.json.

The cut points are data: to change them, edit the JSON and add a migration that calls
load_scales again (it updates rows in place by code)."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "local_benchmark_scales.json"


def load_scales(apps, schema_editor):
    IndicatorScale = apps.get_model("recommend", "IndicatorScale")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for row in data["scales"]:
        code = row.pop("code")
        IndicatorScale.objects.update_or_create(code=code, defaults=row)


class Migration(migrations.Migration):
    dependencies = [("recommend", "0001_initial")]
    operations = [migrations.RunPython(load_scales, migrations.RunPython.noop)]
