from django.db import migrations

# Row triggers (0002) do not fire on TRUNCATE: a statement trigger refuses it, for every
# role including the owner. The application's role cannot even try (it has no TRUNCATE
# privilege and owns no table, so it cannot disable the triggers either: core/dbroles.py).
SQL = """
CREATE OR REPLACE FUNCTION core_auditevent_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditevent is append-only (TRUNCATE refused)' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_no_truncate
    BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_no_truncate();
"""
REVERSE = """
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_no_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0003_postgres_extensions")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
