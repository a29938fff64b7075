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
