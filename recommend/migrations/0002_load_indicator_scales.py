"""Load the ローカルベンチマーク cut points from recommend/data/local_benchmark_scales.json.

The cut points are data: to change them, edit the JSON and add a migration that calls
load_scales again (it updates rows in place by code)."""

from django.db import migrations


def load(apps, schema_editor):
    from recommend.scales import load_scales

    load_scales(apps.get_model("recommend", "IndicatorScale"))


class Migration(migrations.Migration):
    dependencies = [("recommend", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
