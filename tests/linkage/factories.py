"""Factories and helpers for linkage tests; states are built through the real services."""

from __future__ import annotations

from linkage.services import partner_client_issue
from tests.factories import BusinessFactory, InstitutionFactory


def partner(*, scopes=("financials", "support_records"), institution=None):
    """(client, key) of a partner system issued through the real service."""
    institution = institution or InstitutionFactory()
    return partner_client_issue(institution_id=institution.pk, scopes=list(scopes))


def sole_proprietor(**fields):
    return BusinessFactory(sole_proprietor=True, **fields)


def financial_record(**fields):
    record = {"kind": "financials", "record_id": "K-1", "fiscal_year": 2023, "sales": 48_000_000,
              "ordinary_profit": 2_100_000, "employees": 6}
    record.update(fields)
    return record


def support_record(**fields):
    record = {"kind": "support_records", "record_id": "S-1", "supported_on": "2024-06-12", "theme": "販路開拓",
              "summary": "ECサイト開設の相談"}
    record.update(fields)
    return record
