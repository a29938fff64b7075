"""Concurrent duplicates resolve to one (issue 12, "Found" 4 and 5): real threads, each
with its own PostgreSQL connection, through the real pages and API."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from applications.models import Application
from companies.models import FinancialYear
from institutions.models import SupportRecord
from linkage.models import IntakeBatch, PartnerRecord
from tests.applications.factories import SubsidyRoundFactory, business_with_record
from tests.factories import BusinessFactory, mfa_login, prime_user
from tests.linkage.factories import financial_record, partner, support_record

pytestmark = pytest.mark.django_db(transaction=True)


def _together(count: int, work) -> list:
    """Run `work(i)` in `count` threads released at once; their results (or exceptions)."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # noqa: BLE001 - the test asserts on it
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _signed_in_clients(user, count: int) -> list[Client]:
    clients = []
    for _ in range(count):
        client = Client()
        mfa_login(client, user)
        clients.append(client)
    return clients


def test_eight_concurrent_starts_of_one_round_give_one_draft_and_every_caller_lands_on_it():
    business = business_with_record()
    prime = prime_user(business)
    subsidy_round = SubsidyRoundFactory()
    clients = _signed_in_clients(prime, 8)
    data = {"subsidy_round": subsidy_round.pk, **{f"class_{c}": "on" for c in range(1, 14)}}

    responses = _together(8, lambda i: clients[i].post("/applications/new/jizokuka_general/", data))

    assert not [r for r in responses if isinstance(r, Exception)], responses
    drafts = Application.objects.filter(business=business, subsidy_round=subsidy_round)
    assert drafts.count() == 1
    draft = drafts.get()
    assert [r.status_code for r in responses] == [302] * 8
    assert {r["Location"] for r in responses} == {f"/applications/{draft.pk}/edit/"}


@pytest.mark.parametrize("program", ["keieiryoku_kojo", "jigyo_keizoku"])
def test_concurrent_starts_of_a_procedure_give_one_draft(program):
    business = business_with_record()
    prime = prime_user(business)
    clients = _signed_in_clients(prime, 8)
    data = {f"class_{c}": "on" for c in range(1, 14)}

    responses = _together(8, lambda i: clients[i].post(f"/applications/new/{program}/", data))

    assert not [r for r in responses if isinstance(r, Exception)], responses
    draft = Application.objects.get(business=business, program=program)
    assert [r.status_code for r in responses] == [302] * 8
    assert {r["Location"] for r in responses} == {f"/applications/{draft.pk}/edit/"}


def test_a_procedure_may_be_started_again_once_its_draft_is_no_longer_open():
    from applications import services

    business = business_with_record()
    prime = prime_user(business)
    first = services.application_start(actor=prime, program="keieiryoku_kojo", subsidy_round=None, accepted_classes=set())
    again = services.application_start(actor=prime, program="keieiryoku_kojo", subsidy_round=None, accepted_classes=set())
    assert again.pk == first.pk
    Application.objects.filter(pk=first.pk).update(status="submitted", receipt_number="KK-TEST-1")
    later = services.application_start(actor=prime, program="keieiryoku_kojo", subsidy_round=None, accepted_classes=set())
    assert later.pk != first.pk and later.status == "draft"


@pytest.mark.parametrize("kind", ["financials", "support_records"])
def test_concurrent_partner_batches_with_one_record_id_give_one_row(kind):
    _client, key = partner()
    business = BusinessFactory()
    make = financial_record if kind == "financials" else support_record

    def send(index: int):
        # Different bodies (no shared Idempotency-Key): each is a real update of one record.
        record = make(corporate_number=business.corporate_number, record_id="SAME-1",
                      **({"sales": 1_000_000 + index} if kind == "financials" else {"summary": f"相談 {index}"}))
        return APIClient().post("/api/v1/partner/records", {"records": [record]}, format="json",
                                HTTP_AUTHORIZATION=f"Partner {key}")

    responses = _together(6, send)

    assert not [r for r in responses if isinstance(r, Exception)], responses
    assert sorted(r.status_code for r in responses) == [201] * 6, [r.content[:200] for r in responses]
    assert IntakeBatch.objects.count() == 6
    assert PartnerRecord.objects.filter(record_id="SAME-1").count() == 1
    if kind == "financials":
        assert FinancialYear.objects.filter(business=business, fiscal_year=2023).count() == 1
    else:
        assert SupportRecord.objects.filter(partner_record_id="SAME-1").count() == 1
