from django.db import migrations, models

# Before the constraint: concurrent starts could leave several drafts of one procedure
# (issue 12), copies made in the same instant. The one edited last stays; the other
# drafts (never submitted, so without events or receipt numbers) are removed.
REMOVE_DUPLICATES = """
DELETE FROM applications_application AS a
WHERE a.status = 'draft' AND a.subsidy_round_id IS NULL AND EXISTS (
    SELECT 1 FROM applications_application AS b
    WHERE b.business_id = a.business_id AND b.program = a.program AND b.status = 'draft'
      AND b.subsidy_round_id IS NULL AND (b.updated_at, b.id) > (a.updated_at, a.id))
"""


class Migration(migrations.Migration):
    dependencies = [("applications", "0004_snapshot_immutable")]
    operations = [
        migrations.RunSQL(REMOVE_DUPLICATES, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.UniqueConstraint(
                condition=models.Q(("subsidy_round__isnull", True), ("status", "draft")),
                fields=("business", "program"),
                name="application_one_draft_per_procedure",
            ),
        ),
    ]
