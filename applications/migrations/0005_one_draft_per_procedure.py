from django.db import migrations, models

# Before the constraint: concurrent starts could leave several drafts of one procedure
# (issue 12). The first one stays; the others were never edited on purpose and are withdrawn.
WITHDRAW_DUPLICATES = """
UPDATE applications_application AS a SET status = 'withdrawn', updated_at = now()
WHERE a.status = 'draft' AND a.subsidy_round_id IS NULL AND EXISTS (
    SELECT 1 FROM applications_application AS b
    WHERE b.business_id = a.business_id AND b.program = a.program AND b.status = 'draft'
      AND b.subsidy_round_id IS NULL AND b.id < a.id)
"""


class Migration(migrations.Migration):
    dependencies = [("applications", "0004_snapshot_immutable")]
    operations = [
        migrations.RunSQL(WITHDRAW_DUPLICATES, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.UniqueConstraint(
                condition=models.Q(("subsidy_round__isnull", True), ("status", "draft")),
                fields=("business", "program"),
                name="application_one_draft_per_procedure",
            ),
        ),
    ]
