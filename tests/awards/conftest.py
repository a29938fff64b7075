from __future__ import annotations

import pytest

from tests.applications.factories import SubsidyRoundFactory, business_with_record
from tests.awards.helpers import adopted_application, vault_storage_at
from tests.factories import agency_staff, prime_user


@pytest.fixture
def vault(settings, tmp_path):
    return vault_storage_at(settings, tmp_path)


@pytest.fixture
def business(db):
    return business_with_record()


@pytest.fixture
def prime(business):
    return prime_user(business)


@pytest.fixture
def staff(db):
    return agency_staff()


@pytest.fixture
def adopted(prime, staff, vault):
    return adopted_application(prime, staff, SubsidyRoundFactory())
