"""The audit log is append-only against the application itself: the application's
database role (DATABASE_URL) can add and read audit rows, and cannot delete, update,
truncate, alter or un-trigger the table; TRUNCATE is refused even for the owner."""

from __future__ import annotations

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction

from tests import production

pytestmark = pytest.mark.django_db


@pytest.fixture
def app_role():
    if not settings.DATABASE_APP_ROLE:
        pytest.skip("single-role database (DATABASE_URL without MIGRATION_DATABASE_URL): no separate application role to test")
    conn = psycopg.connect(production.database_url(as_app_role=True), autocommit=False)
    with conn.cursor() as cursor:
        cursor.execute("SET lock_timeout = '5s'")
    conn.commit()
    yield conn
    conn.rollback()
    conn.close()


def _columns() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'core_auditevent'")
        return {r[0] for r in cursor.fetchall()}


def _refused(conn, sql: str, match: str) -> None:
    with pytest.raises(psycopg.Error) as caught:
        with conn.cursor() as cursor:
            cursor.execute(sql)
    conn.rollback()
    assert match in str(caught.value), str(caught.value)


def test_the_application_connects_as_a_role_that_owns_nothing(app_role):
    with app_role.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user")
        user, superuser, createrole, createdb = cursor.fetchone()
        assert user == settings.DATABASE_APP_ROLE and not (superuser or createrole or createdb)
        cursor.execute("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = current_user")
        assert cursor.fetchone()[0] == 0
    app_role.rollback()


def test_the_application_role_may_add_and_read_audit_rows_only(app_role):
    with app_role.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_auditevent")
        cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'core_auditevent'")
    app_role.rollback()
    columns = _columns()
    assert {"kind", "data"} <= columns
    _refused(app_role, "DELETE FROM core_auditevent", "permission denied")
    _refused(app_role, "UPDATE core_auditevent SET kind = 'x'", "permission denied")
    _refused(app_role, "TRUNCATE core_auditevent", "permission denied")
    _refused(app_role, "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_update_delete", "must be owner")
    _refused(app_role, "ALTER TABLE core_auditevent DISABLE TRIGGER ALL", "must be owner")
    _refused(app_role, "DROP TRIGGER core_auditevent_no_truncate ON core_auditevent", "must be owner")
    _refused(app_role, "DROP TABLE core_auditevent", "must be owner")
    _refused(app_role, "SET session_replication_role = replica", "permission denied")


def test_the_application_role_writes_ordinary_tables(app_role):
    """The refusals above are about the audit log, not a role that can do nothing."""
    with app_role.cursor() as cursor:
        cursor.execute("DELETE FROM notifications_outboxmessage WHERE false")
        cursor.execute("UPDATE notifications_outboxmessage SET attempts = attempts WHERE false")
        cursor.execute("SELECT count(*) FROM core_auditevent")
    app_role.rollback()


def test_the_status_history_is_append_only_for_the_application_too(app_role):
    _refused(app_role, "DELETE FROM core_statuschange", "permission denied")
    _refused(app_role, "TRUNCATE core_statuschange", "permission denied")


def test_truncate_is_refused_even_for_the_owner():
    """Row triggers do not fire on TRUNCATE; the statement trigger does."""
    assert connection.settings_dict["USER"] != settings.DATABASE_APP_ROLE or not settings.DATABASE_APP_ROLE
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_auditevent")
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_auditevent CASCADE")
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_statuschange")
