from django.db import migrations

# Row triggers (0002, 0004_status_change) do not fire on TRUNCATE: a statement trigger
# refuses it on the append-only tables, for every role including the owner. The
# application's role cannot even try (no TRUNCATE privilege, owns no table, so it cannot
# disable the triggers either: core/dbroles.py).
SQL = """
CREATE OR REPLACE FUNCTION mirasapo_append_only_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (TRUNCATE refused)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER core_auditevent_no_truncate
    BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION mirasapo_append_only_no_truncate();
CREATE OR REPLACE TRIGGER core_statuschange_no_truncate
    BEFORE TRUNCATE ON core_statuschange
    FOR EACH STATEMENT EXECUTE FUNCTION mirasapo_append_only_no_truncate();
"""
REVERSE = """
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP TRIGGER IF EXISTS core_statuschange_no_truncate ON core_statuschange;
DROP FUNCTION IF EXISTS mirasapo_append_only_no_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0005_merge_status_change_idempotent_request")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
