from django.db import migrations


class Migration(migrations.Migration):
    """Joins two branches of work that each added a 0006 migration."""

    dependencies = [
        ("core", "0006_audit_document_kinds"),
        ("core", "0006_audit_refuses_truncate"),
    ]

    operations = []
