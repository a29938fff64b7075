from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from consent.models import Narrowing
from disclosure.models import AccessLogEntry, DisclosureRequest
from tests.factories import (
    BusinessFactory,
    FinancialYearFactory,
    institution_staff,
    member_user,
    next_corporate_number,
    prime_user,
)

from .factories import approved_request, make_request

pytestmark = pytest.mark.django_db


def client_for(user, *, mfa: bool = False) -> APIClient:
    client = APIClient()
    client.force_login(user)
    if mfa:
        session = client.session
        session["mirasapo_mfa_passed"] = True
        session.save()
    return client


def valid_until(days: int = 30) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def test_create_request_201_and_same_answer_for_unknown_company():
    staff = institution_staff()
    business = BusinessFactory()
    client = client_for(staff)
    body = {"purpose": 6, "data_classes": [1, 6], "valid_until": valid_until()}
    known = client.post("/api/v1/disclosure-requests", {"corporate_number": business.corporate_number, **body}, format="json")
    unknown = client.post("/api/v1/disclosure-requests", {"corporate_number": next_corporate_number(), **body}, format="json")
    assert known.status_code == unknown.status_code == 201
    assert set(known.json()) == set(unknown.json()) == {"id", "status"}
    assert known.json()["status"] == unknown.json()["status"] == "pending"
    listed = {r["id"]: r for r in client.get("/api/v1/disclosure-requests").json()}
    assert {k: v for k, v in listed[known.json()["id"]].items() if k not in ("id", "corporate_number", "created_at")} == {
        k: v for k, v in listed[unknown.json()["id"]].items() if k not in ("id", "corporate_number", "created_at")}


def test_create_request_bad_input_is_400_with_field_errors_in_japanese_and_english():
    client = client_for(institution_staff())
    response = client.post("/api/v1/disclosure-requests",
                           {"corporate_number": "1234567890123", "purpose": 6, "data_classes": [1], "valid_until": valid_until()},
                           format="json")
    assert response.status_code == 400
    assert "corporate_number" in response.json()["errors"]
    assert "法人番号" in response.json()["errors"]["corporate_number"][0]
    response = client.post("/api/v1/disclosure-requests",
                           {"corporate_number": next_corporate_number(), "purpose": 6, "data_classes": [9], "valid_until": valid_until()},
                           format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "policy" in response.json()["errors"]["data_classes"][0]
    response = client.post("/api/v1/disclosure-requests", {"purpose": 6}, format="json")
    assert response.status_code == 400 and {"corporate_number", "data_classes", "valid_until"} <= set(response.json()["errors"])
    assert not DisclosureRequest.objects.exists()


def test_create_request_refused_to_non_staff_and_anonymous():
    business = BusinessFactory()
    body = {"corporate_number": business.corporate_number, "purpose": 6, "data_classes": [1], "valid_until": valid_until()}
    assert APIClient().post("/api/v1/disclosure-requests", body, format="json").status_code == 401
    assert client_for(member_user(business)).post("/api/v1/disclosure-requests", body, format="json").status_code == 403


def test_lists_show_each_side_only_its_own():
    request, staff, prime, business = approved_request()
    make_request(staff=institution_staff(), business=BusinessFactory())  # someone else's
    mine = client_for(staff).get("/api/v1/disclosure-requests").json()
    assert [r["id"] for r in mine] == [request.pk]
    assert mine[0]["status"] == "approved" and mine[0]["approved_data_classes"] == [1, 6]
    theirs = client_for(prime, mfa=True).get("/api/v1/disclosure-requests").json()
    assert [r["id"] for r in theirs] == [request.pk]
    assert theirs[0]["institution"]["name"] == staff.institution.name
    assert client_for(prime_user(BusinessFactory()), mfa=True).get("/api/v1/disclosure-requests").json() == []


def test_decision_endpoint_statuses():
    business = BusinessFactory()
    prime = prime_user(business)
    member = member_user(business)
    staff = institution_staff()
    request = make_request(staff=staff, business=business, classes=(1, 3, 6))
    url = f"/api/v1/disclosure-requests/{request.pk}/decision"
    assert client_for(member).post(url, {"decision": "approve"}, format="json").status_code == 403
    assert client_for(staff).post(url, {"decision": "approve"}, format="json").status_code == 403
    other = prime_user(BusinessFactory())
    assert client_for(other, mfa=True).post(url, {"decision": "approve"}, format="json").status_code == 404
    assert client_for(prime, mfa=True).post("/api/v1/disclosure-requests/999999/decision", {"decision": "approve"},
                                            format="json").status_code == 404
    response = client_for(prime, mfa=True).post(url, {"decision": "approve", "data_classes": [6, 7]}, format="json")
    assert response.status_code == 400 and "data_classes" in response.json()["errors"]
    response = client_for(prime, mfa=True).post(url, {"decision": "maybe"}, format="json")
    assert response.status_code == 400 and "decision" in response.json()["errors"]
    response = client_for(prime, mfa=True).post(url, {"decision": "approve", "data_classes": [6]}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "approved" and response.json()["approved_data_classes"] == [6]
    # Decided: a second decision is refused.
    assert client_for(prime, mfa=True).post(url, {"decision": "reject"}, format="json").status_code == 400


def test_revoke_endpoint():
    request, staff, prime, business = approved_request()
    url = f"/api/v1/disclosure-requests/{request.pk}/revoke"
    assert client_for(member_user(business)).post(url).status_code == 403
    assert client_for(prime_user(BusinessFactory()), mfa=True).post(url).status_code == 404
    assert client_for(staff).post(url).status_code == 403
    response = client_for(prime, mfa=True).post(url)
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    assert client_for(staff).get(f"/api/v1/companies/{business.corporate_number}").status_code == 404


def test_company_endpoint_gives_only_approved_and_consented_classes_and_logs():
    business = BusinessFactory()
    FinancialYearFactory(business=business)
    request, staff, prime, _ = approved_request(business=business, classes=(1, 3, 6), approve=(1, 6))
    client = client_for(staff)
    response = client.get(f"/api/v1/companies/{business.corporate_number}")
    assert response.status_code == 200
    body = response.json()
    assert body["corporate_number"] == business.corporate_number
    assert set(body["data_classes"]) == {"1", "6"}
    assert body["data_classes"]["1"]["business"]["corporate_number"] == business.corporate_number
    assert body["data_classes"]["6"]["financialyear"][0]["fiscal_year"] == 2024
    assert AccessLogEntry.objects.filter(business=business, channel="api").count() == 1
    # Narrowing after approval wins.
    Narrowing.objects.create(business=business, data_class=6, recipient=5, purpose=6)
    assert set(client.get(f"/api/v1/companies/{business.corporate_number}").json()["data_classes"]) == {"1"}


def test_company_endpoint_404_reveals_nothing():
    request, staff, prime, business = approved_request()
    unapproved = BusinessFactory()
    other_staff = institution_staff()
    responses = [
        client_for(staff).get(f"/api/v1/companies/{unapproved.corporate_number}"),
        client_for(staff).get(f"/api/v1/companies/{next_corporate_number()}"),
        client_for(other_staff).get(f"/api/v1/companies/{business.corporate_number}"),
    ]
    assert {r.status_code for r in responses} == {404}
    assert len({r.content for r in responses}) == 1
    # The business's own users read their own record (api.md), never another's.
    assert client_for(prime, mfa=True).get(f"/api/v1/companies/{business.corporate_number}").status_code == 200
    assert client_for(prime, mfa=True).get(f"/api/v1/companies/{unapproved.corporate_number}").status_code == 404
    assert AccessLogEntry.objects.count() == 0


def test_access_log_endpoint_shape_and_scope(django_assert_max_num_queries):
    request, staff, prime, business = approved_request()
    client = client_for(staff)
    for _ in range(3):
        client.get(f"/api/v1/companies/{business.corporate_number}")
    reader = client_for(prime, mfa=True)
    with django_assert_max_num_queries(8):
        log = reader.get("/api/v1/access-log").json()
    assert len(log) == 3
    assert set(log[0]) >= {"at", "user", "institution", "data_classes", "purpose"}
    assert log[0]["institution"] == staff.institution.name and log[0]["data_classes"] == [1, 6] and log[0]["purpose"] == 6
    assert client_for(member_user(business)).get("/api/v1/access-log").json() == log
    assert client_for(prime_user(BusinessFactory()), mfa=True).get("/api/v1/access-log").json() == []
    assert client_for(staff).get("/api/v1/access-log").status_code == 403


def test_list_filters_by_status_and_ignores_a_bad_one():
    request, staff, prime, business = approved_request()
    pending = make_request(staff=staff, business=BusinessFactory())
    client = client_for(staff)
    assert [r["id"] for r in client.get("/api/v1/disclosure-requests", {"status": "pending"}).json()] == [pending.pk]
    response = client.get("/api/v1/disclosure-requests", {"status": "bogus"})
    assert response.status_code == 200
    assert {r["id"] for r in response.json()} <= {pending.pk, request.pk}


def test_errors_in_english_with_accept_language():
    business = BusinessFactory()
    prime_user(business)
    request = make_request(staff=institution_staff(), business=business)
    member = client_for(member_user(business))
    response = member.post(f"/api/v1/disclosure-requests/{request.pk}/decision", {"decision": "approve"}, format="json",
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403 and response.json()["detail"] == "You are not allowed to do this."
