"""Fixtures shared by every test module. Tests run on real PostgreSQL and Redis
(scripts/devservices.py starts embedded ones when DATABASE_URL/REDIS_URL are unset)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _eager_celery_and_local_mail(settings):
    """Celery tasks run eagerly in unit tests of services; delivery guarantees are tested
    with a real worker (tests marked `worker`, see tests/notifications), which turns this off."""
    from mirasapo.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    yield


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters (allauth) live in the Redis cache: each test starts clean."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _reference_data_in_force(request):
    """A transactional test (browser, worker) ends with a flush that empties every table,
    the rows data migrations installed too (the policy, the subsidy rounds); with
    --reuse-db later tests and sessions need them back. One fixture for every app."""
    names = set(request.fixturenames)
    if request.node.get_closest_marker("django_db") is None and not names & {"db", "transactional_db", "live_server"}:
        yield
        return
    for name in ("transactional_db", "db"):
        if name in names:
            request.getfixturevalue(name)
            break
    from tests.applications.helpers import ensure_reference_data

    ensure_reference_data()
    yield


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_audit_guard():
    """Transactional tests end with a flush (TRUNCATE of every table), which the audit
    log's statement trigger refuses, as it must in production. The test process is the
    owner (MIGRATION_DATABASE_URL) and empties its own test database: the flush runs with
    session_replication_role = replica (owner/superuser only), which skips ordinary
    triggers for that one transaction. Nothing else in the suite gets past the guard
    (tests/core/test_audit_roles.py proves it holds)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return ["SET LOCAL session_replication_role = replica", *statements] if statements else statements

    DatabaseOperations.sql_flush = sql_flush

    # A transactional test without serialized_rollback ends with flush + post_migrate
    # (content types, permissions under new ids) and fixtures re-add reference rows; a
    # serialized_rollback test that follows would insert its serialized rows beside them
    # (a unique violation at its set-up, whichever order pytest picks). Before
    # deserialising, the database is emptied, as the serialized contents assume.
    from django.core.management.color import no_style
    from django.db.backends.base.creation import BaseDatabaseCreation

    original_deserialize = BaseDatabaseCreation.deserialize_db_from_string

    def deserialize_db_from_string(self, data):
        tables = self.connection.introspection.django_table_names(only_existing=True, include_views=False)
        self.connection.ops.execute_sql_flush(self.connection.ops.sql_flush(no_style(), tables, allow_cascade=True))
        return original_deserialize(self, data)

    BaseDatabaseCreation.deserialize_db_from_string = deserialize_db_from_string
    yield
    DatabaseOperations.sql_flush = original
    BaseDatabaseCreation.deserialize_db_from_string = original_deserialize


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory, worker_id):
    """Static files collected once per test run with the production storage
    (tests/production.py); the production-shape, fault and scale-out tests and the bench
    smoke runs serve them. Under pytest-xdist the workers share one collection."""
    from tests import production

    base = tmp_path_factory.getbasetemp()
    return production.collected_static_once(base if worker_id == "master" else base.parent)


@pytest.fixture(autouse=True)
def _institution_staff_sign_in_with_mfa(monkeypatch):
    """Institution staff must pass TOTP (issue 12). Tests that sign staff in with
    `client.force_login` mean a signed-in staff member, as `mfa_login` does for the other
    roles that need MFA: the session is marked as having passed it. A test of the MFA
    guard itself sets `client.password_only = True` to get a password-only session
    (tests/accounts/test_mfa_enforced.py)."""
    from django.test.client import ClientMixin

    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if getattr(user, "is_institution_staff", False) and not getattr(self, "password_only", False):
            session = self.session
            session["mirasapo_mfa_passed"] = True
            session.save()

    monkeypatch.setattr(ClientMixin, "force_login", force_login)
