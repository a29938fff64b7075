from __future__ import annotations

import pytest

from tests.factories import member_user, prime_user

from .factories import SubsidyRoundFactory, business_with_record


@pytest.fixture
def business(db):
    return business_with_record()


@pytest.fixture
def prime(business):
    return prime_user(business)


@pytest.fixture
def member(business):
    return member_user(business, can_draft_applications=True)


@pytest.fixture
def open_round(db):
    return SubsidyRoundFactory()


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
