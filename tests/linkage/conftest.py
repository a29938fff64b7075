from __future__ import annotations

import importlib

import pytest


@pytest.fixture(autouse=True)
def _policy_in_force(request):
    """The data-utilisation policy comes from a data migration. A transactional test
    (the browser tests) flushes every table when it ends, and with --reuse-db the next
    session would start without a policy; put it back where a test needs the database."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("_django_db_helper")
    from django.apps import apps

    from consent.models import PolicyVersion

    if not PolicyVersion.objects.exists():
        importlib.import_module("consent.migrations.0002_install_policy_v1").forwards(apps, None)
