"""Two browsers take the same step at once: one wins, the other is told (real threads,
each with its own PostgreSQL connection, through the real page)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from awards.models import Award, PerformanceReport
from core.models import StatusChange
from tests.applications.factories import SubsidyRoundFactory, business_with_record
from tests.applications.helpers import ensure_reference_data
from tests.awards.helpers import (
    adopted_application,
    granted,
    line,
    lodging,
    receipt,
    vault_storage_at,
)
from tests.factories import agency_staff, mfa_login, prime_user

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _together(count: int, work) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_browsers_sending_the_performance_report_at_once(settings, tmp_path):
    from awards import services

    ensure_reference_data()
    vault_storage_at(settings, tmp_path)
    business = business_with_record()
    prime, staff = prime_user(business), agency_staff()
    application = adopted_application(prime, staff, SubsidyRoundFactory())
    granted(prime, staff, application)
    services.expense_line_add(actor=prime, application_id=application.pk, line=line(prime, document=receipt(prime, "x")))
    services.expense_line_add(actor=prime, application_id=application.pk, line=lodging(prime, document=receipt(prime, "y")))
    browsers = [Client(), Client()]
    for browser in browsers:
        mfa_login(browser, prime)

    def send(i: int):
        response = browsers[i].post(f"/awards/{application.pk}/", {"action": "report", "summary": f"報告{i}", "confirm": "on"})
        return response.status_code, response.content.decode()

    results = _together(2, send)
    codes = sorted(code for code, _body in results)
    assert codes == [200, 302], results
    loser = next(body for code, body in results if code == 200)
    assert "実績報告は既に提出されています" in loser or "別の画面から" in loser
    assert PerformanceReport.objects.filter(award__application=application).count() == 1
    award = Award.objects.get(application=application)
    assert StatusChange.objects.filter(model="awards.award", object_id=str(award.pk), to_status="reported").count() == 1
