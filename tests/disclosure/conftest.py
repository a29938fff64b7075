from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _policy_in_force(request):
    """Browser tests flush tables, data migrations' rows included; with --reuse-db the
    policy may be missing. Put it back for tests that use the database."""
    if "django_db" in {m.name for m in request.node.iter_markers()} or "db" in request.fixturenames:
        request.getfixturevalue("db")
        from tests.disclosure.factories import ensure_policy

        ensure_policy()
