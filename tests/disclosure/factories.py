"""Disclosure states built by calling the real services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from companies.models import Business
from disclosure import services
from disclosure.models import DisclosureRequest
from tests.factories import BusinessFactory, institution_staff, prime_user


def make_request(*, staff, business: Business, classes=(1, 6), purpose: int = 6, days: int = 30, message: str = "相談のため") -> DisclosureRequest:
    return services.disclosure_request_create(
        actor=staff, corporate_number=business.corporate_number, purpose=purpose, data_classes=list(classes),
        valid_until=timezone.localdate() + dt.timedelta(days=days), message=message,
    )


def approved_request(*, staff=None, prime=None, business=None, classes=(1, 6), approve=None, days: int = 30):
    business = business or BusinessFactory()
    staff = staff or institution_staff()
    prime = prime or prime_user(business)
    request = make_request(staff=staff, business=business, classes=classes, days=days)
    services.disclosure_request_decide(actor=prime, request_id=request.pk, decision="approve",
                                       data_classes=list(approve) if approve is not None else None)
    request.refresh_from_db()
    return request, staff, prime, business


def ensure_policy() -> None:
    """The policy a data migration installs, back after a transactional test's flush."""
    from consent.policy_loader import ensure_policy_installed

    ensure_policy_installed()

