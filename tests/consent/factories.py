"""Consent test helpers: the expected table, and states built through the real services."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

from django.utils import timezone

from consent import services
from tests.factories import BusinessFactory, InstitutionFactory, prime_user

ROOT = Path(__file__).resolve().parents[2]
_request_ids = itertools.count(9_000_000)


def matrix_path() -> Path:
    """The spec's table if this checkout sits beside shared/, else the installed file."""
    for candidate in (ROOT.parent / "shared" / "spec" / "policy-matrix.json",
                      ROOT.parent.parent / "shared" / "spec" / "policy-matrix.json"):
        if candidate.exists():
            return candidate
    return ROOT / "consent" / "data" / "policy-v1.json"


def expected_table() -> dict[int, tuple[set[int], set[int]]]:
    spec = json.loads(matrix_path().read_text(encoding="utf-8"))
    return {p["code"]: (set(p["data_classes"]), set(p["recipients"])) for p in spec["purposes"]}


def table_allows(table, purpose: int, data_class: int, recipient: int) -> bool:
    classes, recipients = table[purpose]
    return data_class in classes and recipient in recipients


def grant(*, business, institution, purpose: int, data_classes, valid_from=None, valid_until=None, actor=None):
    today = timezone.localdate()
    return services.institution_grant_create(
        actor=actor, business=business, institution=institution, purpose=purpose, data_classes=list(data_classes),
        valid_from=valid_from or today - dt.timedelta(days=1), valid_until=valid_until or today + dt.timedelta(days=30),
        disclosure_request_id=next(_request_ids),
    )


def business_with_prime(**fields):
    business = BusinessFactory(**fields)
    return business, prime_user(business)


__all__ = ["InstitutionFactory", "business_with_prime", "expected_table", "grant", "table_allows"]
