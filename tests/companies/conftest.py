from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Policy and rounds present for every database test (see helpers.ensure_reference_data)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and "db" not in request.fixturenames:
        return
    if marker is not None and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
    else:
        request.getfixturevalue("db")
    from tests.applications.helpers import ensure_reference_data

    ensure_reference_data()
