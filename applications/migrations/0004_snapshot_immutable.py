"""A submitted application's snapshot and content never change: a trigger refuses any
UPDATE that would alter them once the snapshot is stored (defence in depth behind the
services, which never try)."""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION applications_snapshot_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.snapshot IS NOT NULL AND (NEW.snapshot IS DISTINCT FROM OLD.snapshot OR NEW.content IS DISTINCT FROM OLD.content
                                     OR NEW.receipt_number IS DISTINCT FROM OLD.receipt_number) THEN
        RAISE EXCEPTION 'The snapshot of a submitted application is immutable.';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER applications_snapshot_immutable BEFORE UPDATE ON applications_application
    FOR EACH ROW EXECUTE FUNCTION applications_snapshot_immutable();
"""
REVERSE = """
DROP TRIGGER IF EXISTS applications_snapshot_immutable ON applications_application;
DROP FUNCTION IF EXISTS applications_snapshot_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("applications", "0003_rounds_9_to_11")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
