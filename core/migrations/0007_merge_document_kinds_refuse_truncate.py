from django.db import migrations


class Migration(migrations.Migration):
    """Once joined two 0006 migrations; the TRUNCATE guard has since been renumbered to
    follow the document audit kinds, so this only keeps the chain that 0008 names."""

    dependencies = [
        ("core", "0007_audit_refuses_truncate"),
    ]

    operations = []
