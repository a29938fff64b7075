from __future__ import annotations

import pytest

from tests.applications.factories import SubsidyRoundFactory, business_with_record
from tests.applications.helpers import start_draft
from tests.factories import institution_staff, prime_user

from .helpers import area_institution


@pytest.fixture
def business(db):
    return business_with_record()


@pytest.fixture
def prime(business):
    return prime_user(business)


@pytest.fixture
def open_round(db):
    return SubsidyRoundFactory()


@pytest.fixture
def draft(prime, open_round):
    """A complete 持続化 draft without its 様式4 yet."""
    from applications import services
    from tests.applications.helpers import COMPLETE_JIZOKUKA

    application = start_draft(prime, subsidy_round=open_round)
    return services.application_save_draft(actor=prime, application_id=application.pk, content=dict(COMPLETE_JIZOKUKA),
                                           confirm_all=True)


@pytest.fixture
def shokokai(business):
    return area_institution(business, name="千代田商工会")


@pytest.fixture
def advisor(shokokai):
    user = institution_staff(shokokai)
    user.full_name = "商工 太郎"
    user.save(update_fields=["full_name"])
    return user

