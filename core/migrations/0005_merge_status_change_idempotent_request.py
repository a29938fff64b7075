from django.db import migrations


class Migration(migrations.Migration):
    """Joins two branches of work that each added a 0004 migration."""

    dependencies = [
        ("core", "0004_idempotent_request"),
        ("core", "0004_status_change"),
    ]

    operations = []
