from __future__ import annotations

import importlib

import pytest

from tests.factories import agency_staff, mfa_login


def policy_in_force() -> None:
    """Transactional (browser) tests flush the database when they end, policy included;
    with --reuse-db a later run would then find no policy. Put it back the way its
    migration installs it."""
    from django.apps import apps

    from consent.models import PolicyVersion

    if not PolicyVersion.objects.exists():
        importlib.import_module("consent.migrations.0002_install_policy_v1").forwards(apps, None)


@pytest.fixture(autouse=True)
def _policy(request):
    if request.node.get_closest_marker("django_db") is not None or "db" in request.fixturenames:
        policy_in_force()


@pytest.fixture
def agency_client(client):
    user = agency_staff()
    mfa_login(client, user)
    client.user = user
    return client
