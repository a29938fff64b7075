"""The applicant's award steps through the API: the same services as the pages, the error
shape of api.md (Japanese by default), nothing written on a refusal, Idempotency-Key, and
404 for an application that is not the caller's."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from awards import services
from awards.models import Award, ExpenseLine, PerformanceReport, PlanChange
from tests.applications.factories import business_with_record
from tests.awards.helpers import granted, receipt, reported
from tests.factories import (
    agency_staff,
    institution_staff,
    member_user,
    mfa_login,
    prime_user,
)

pytestmark = pytest.mark.django_db


def post(client, path: str, body: dict | None = None, **headers):
    return client.post(path, json.dumps(body or {}), content_type="application/json", **headers)


def line_body(document, **overrides) -> dict:
    body = {"category": "advertising", "description": "チラシ印刷", "vendor": "株式会社印刷堂",
            "paid_on": timezone.localdate().isoformat(), "amount": 100_000, "tax_mode": "excluded", "receipt_id": document.pk}
    body.update(overrides)
    return body


def test_grant_request_once_with_idempotency(api_client, prime, adopted):
    mfa_login(api_client, prime)  # a session: the idempotency middleware keys on the signed-in user
    path = f"/api/v1/applications/{adopted.pk}/award"
    first = post(api_client, path, {"tax_mode": "excluded"}, HTTP_IDEMPOTENCY_KEY="grant-1")
    assert first.status_code == 201 and first.json()["status"] == "requested"
    assert first.json()["requested_amount"] == 240_000
    replay = post(api_client, path, {"tax_mode": "excluded"}, HTTP_IDEMPOTENCY_KEY="grant-1")
    assert replay.status_code == 201 and replay.json() == first.json() and replay["Idempotent-Replayed"] == "true"
    again = post(api_client, path, {"tax_mode": "excluded"})
    assert again.status_code == 400 and again.json()["errors"]["non_field_errors"]
    assert Award.objects.filter(application=adopted).count() == 1


def test_bad_input_is_400_in_japanese_and_writes_nothing(api_client, prime, staff, adopted, business):
    granted(prime, staff, adopted)
    api_client.force_authenticate(prime)
    path = f"/api/v1/applications/{adopted.pk}/award/lines"
    other_prime = prime_user(business_with_record())
    cases = [
        (line_body(receipt(other_prime, "theirs")), "receipt"),  # another business's document id
        (line_body(receipt(prime, "perdiem"), category="travel", travel_item="per_diem", amount=3_000), "travel_item"),  # 日当
        (line_body(receipt(prime, "hotel"), category="travel", travel_item="lodging", region="domestic_kou", nights=2,
                   lodging_per_night=30_000, amount=60_000), "lodging_per_night"),  # over §10's cap
        ({**line_body(receipt(prime, "n")), "amount": 10**15}, "amount"),  # out of range
        ({**line_body(receipt(prime, "c")), "vendor": "印刷\x00堂"}, "vendor"),  # a control character
    ]
    for body, field in cases:
        response = post(api_client, path, body)
        assert response.status_code == 400, (field, response.content)
        assert field in response.json()["errors"], (field, response.json())
    assert not ExpenseLine.objects.exists()
    # A whole report whose second line is refused: no line, no report.
    response = post(api_client, f"/api/v1/applications/{adopted.pk}/award/report", {
        "summary": "チラシを配布した。",
        "lines": [line_body(receipt(prime, "ok")), line_body(receipt(prime, "bad"), category="travel", travel_item="per_diem")]})
    assert response.status_code == 400 and "lines.1.travel_item" in response.json()["errors"]
    assert not ExpenseLine.objects.exists() and not PerformanceReport.objects.exists()
    # Out of order: no claim before the confirmation.
    response = post(api_client, f"/api/v1/applications/{adopted.pk}/award/claim")
    assert response.status_code == 400 and "交付決定" in response.json()["errors"]["non_field_errors"][0]
    en = post(api_client, f"/api/v1/applications/{adopted.pk}/award/claim", HTTP_ACCEPT_LANGUAGE="en")
    assert "cannot be taken now" in en.json()["errors"]["non_field_errors"][0]


def test_report_with_lines_then_a_second_report_is_refused(api_client, prime, staff, adopted):
    granted(prime, staff, adopted)
    api_client.force_authenticate(prime)
    path = f"/api/v1/applications/{adopted.pk}/award/report"
    body = {"summary": "チラシを配布し、展示会に出展した。", "lines": [line_body(receipt(prime, "a")), line_body(receipt(prime, "b"), amount=50_000)]}
    response = post(api_client, path, body)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "reported" and len(response.json()["lines"]) == 2
    second = post(api_client, path, {"summary": "もう一度", "lines": []})
    assert second.status_code == 400 and "2回目の実績報告は受け付けられません" in second.json()["errors"]["non_field_errors"][0]
    assert PerformanceReport.objects.count() == 1 and ExpenseLine.objects.count() == 2


def test_plan_change_and_claim(api_client, prime, staff, adopted):
    granted(prime, staff, adopted)
    api_client.force_authenticate(prime)
    response = post(api_client, f"/api/v1/applications/{adopted.pk}/award/plan-changes",
                    {"plan": {"advertising": 280_000, "travel": 80_000}, "reason": "展示会を1回増やすため"})
    assert response.status_code == 201 and response.json()["status"] == "change_requested"
    assert PlanChange.objects.get().plan_after == {"advertising": 280_000, "travel": 80_000}
    services.plan_change_decide(actor=staff, application_id=adopted.pk, approve=True)
    award = Award.objects.get(application=adopted)
    services.expense_line_add(actor=prime, application_id=adopted.pk, line=services.LineInput(
        category="advertising", description="チラシ", vendor="印刷堂", paid_on=timezone.localdate(), amount=200_000,
        tax_mode="excluded", receipt_id=receipt(prime, "x").pk))
    services.report_submit(actor=prime, application_id=adopted.pk, summary="配布した。")
    services.confirm(actor=staff, application_id=adopted.pk, assessments={})
    response = post(api_client, f"/api/v1/applications/{adopted.pk}/award/claim")
    assert response.status_code == 200 and response.json()["status"] == "claimed"
    award.refresh_from_db()
    assert award.status == "claimed" and award.claimed_at is not None


def test_who_may_call(api_client, prime, staff, adopted, business):
    path = f"/api/v1/applications/{adopted.pk}/award"
    # Another business's Prime holder: 404, as for an application that does not exist.
    api_client.force_authenticate(prime_user(business_with_record()))
    assert post(api_client, path, {"tax_mode": "excluded"}).status_code == 404
    assert post(api_client, "/api/v1/applications/999999/award", {"tax_mode": "excluded"}).status_code == 404
    # Institution or agency staff: 403 before any lookup.
    for user in (institution_staff(), agency_staff()):
        api_client.force_authenticate(user)
        assert post(api_client, path, {"tax_mode": "excluded"}).status_code == 403
    # A Member without the right to draft: 403 (known business, not allowed).
    api_client.force_authenticate(member_user(business))
    assert post(api_client, path, {"tax_mode": "excluded"}).status_code == 403
    api_client.force_authenticate(None)
    assert post(api_client, path, {"tax_mode": "excluded"}).status_code in (401, 403)
    assert not Award.objects.exists()


def test_two_browsers_reporting_at_once_one_wins(api_client, prime, staff, adopted):
    """The second call of the same step (another key, so not a replay) is told, not doubled."""
    reported(prime, staff, adopted)
    mfa_login(api_client, prime)
    response = post(api_client, f"/api/v1/applications/{adopted.pk}/award/report", {"summary": "再送", "lines": []},
                    HTTP_IDEMPOTENCY_KEY="other-window")
    assert response.status_code == 400
    assert PerformanceReport.objects.count() == 1
