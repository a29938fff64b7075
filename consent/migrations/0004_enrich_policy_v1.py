"""Fill the seed's definitions and examples of the 13 classes, the purposes in plain
Japanese (and English), the recipients' notes (※1-※6) and the full policy text into
the installed version 1.0. The table itself is unchanged (see policy_loader)."""

from django.db import migrations

from consent.policy_loader import enrich_policy


def forwards(apps, schema_editor):
    enrich_policy(apps, "policy-v1.json", version="1.0")


class Migration(migrations.Migration):
    dependencies = [("consent", "0003_consent_history")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
