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
