from __future__ import annotations

import json

import pytest

from consent import services
from consent.selectors import narrowings_of
from core.models import AuditEvent
from tests.factories import (
    BusinessFactory,
    agency_staff,
    institution_staff,
    member_user,
    mfa_login,
    prime_user,
    researcher,
)

from .factories import business_with_prime, expected_table

pytestmark = pytest.mark.django_db


def _client(user):
    from django.test import Client

    client = Client()
    mfa_login(client, user)
    return client


def _put(client, body, **headers):
    return client.put("/api/v1/consent", data=json.dumps(body), content_type="application/json", **headers)


def test_policy_is_public_and_exactly_the_documented_shape(client):
    response = client.get("/api/v1/policy")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"version", "data_classes", "recipients", "purposes"}
    assert body["version"] == "1.0"
    assert [set(d) for d in body["data_classes"]] == [{"code", "name"}] * 13
    assert [set(r) for r in body["recipients"]] == [{"code", "name"}] * 8
    assert [set(p) for p in body["purposes"]] == [{"code", "name", "data_classes", "recipients"}] * 9
    assert body["data_classes"][5] == {"code": 6, "name": "財務情報"}
    table = expected_table()
    assert {p["code"]: (set(p["data_classes"]), set(p["recipients"])) for p in body["purposes"]} == table


def test_policy_in_english(client):
    body = client.get("/api/v1/policy", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["data_classes"][5]["name"] == "Financials"


def test_get_consent_for_a_business_user():
    business, owner = business_with_prime()
    services.consent_deny(actor=owner, business=business, data_class=6, recipient=5)
    body = _client(member_user(business)).get("/api/v1/consent").json()
    assert body["policy_version"] == "1.0"
    grants = {(g["purpose"], g["data_class"], g["recipient"]): g["allowed"] for g in body["grants"]}
    assert grants[(6, 6, 5)] is False and grants[(2, 6, 2)] is True and (9, 6, 8) not in grants


def test_put_replaces_narrowings_and_returns_the_new_grants():
    business, owner = business_with_prime()
    services.consent_deny(actor=owner, business=business, data_class=1, recipient=8)
    response = _put(_client(owner), {"denied": [{"data_class": 6, "recipient": 5}, {"data_class": 11, "recipient": 5, "purpose": 6}]})
    assert response.status_code == 200, response.content
    grants = {(g["purpose"], g["data_class"], g["recipient"]): g["allowed"] for g in response.json()["grants"]}
    assert grants[(6, 6, 5)] is False and grants[(6, 11, 5)] is False and grants[(5, 11, 5)] is True and grants[(9, 1, 8)] is True
    assert narrowings_of(business) == {(6, 5, None), (11, 5, 6)}
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.CONSENT_CHANGED, business_id=business.pk).count() == 2


@pytest.mark.parametrize(("body", "field"), [
    ({"denied": [{"data_class": 99, "recipient": 5}]}, "data_class"),
    ({"denied": [{"data_class": 6, "recipient": 12}]}, "recipient"),
    ({"denied": [{"data_class": 6, "recipient": 5, "purpose": 0}]}, "purpose"),
    ({}, "denied"),
    ({"denied": "all"}, "denied"),
])
def test_put_with_unknown_codes_is_a_400_with_field_errors(body, field):
    business, owner = business_with_prime()
    response = _put(_client(owner), body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert narrowings_of(business) == set()


def test_put_errors_in_english_on_request():
    _business, owner = business_with_prime()
    response = _put(_client(owner), {"denied": [{"data_class": 99, "recipient": 5}]}, HTTP_ACCEPT_LANGUAGE="en")
    assert "not a data class" in response.json()["errors"]["data_class"][0]


def test_put_by_a_member_is_403_and_changes_nothing():
    business, _owner = business_with_prime()
    response = _put(_client(member_user(business)), {"denied": [{"data_class": 6, "recipient": 5}]})
    assert response.status_code == 403
    assert narrowings_of(business) == set()


@pytest.mark.parametrize("who", ["institution", "agency", "researcher"])
def test_consent_of_non_business_users_is_403(who):
    user = {"institution": institution_staff, "agency": agency_staff, "researcher": researcher}[who]()
    client = _client(user)
    assert client.get("/api/v1/consent").status_code == 403
    assert _put(client, {"denied": []}).status_code == 403


def test_anonymous_gets_401(client):
    assert client.get("/api/v1/consent").status_code == 401
    assert _put(client, {"denied": []}).status_code == 401
    assert client.get("/api/v1/consent/decision", {"company": "1", "purpose": 1, "data_class": 1, "recipient": 1}).status_code == 401


def _decision(client, business, **params):
    query = {"company": business.corporate_number, "purpose": 6, "data_class": 6, "recipient": 5} | params
    return client.get("/api/v1/consent/decision", query)


def test_decision_for_agency_staff_and_for_the_business_itself():
    business, owner = business_with_prime()
    services.consent_deny(actor=owner, business=business, data_class=6, recipient=5)
    staff_client = _client(agency_staff())
    denied = _decision(staff_client, business)
    assert denied.status_code == 200 and denied.json()["allowed"] is False and denied.json()["reason"]
    allowed = _decision(staff_client, business, data_class=1)
    assert allowed.json()["allowed"] is True and set(allowed.json()) == {"allowed", "reason"}
    assert _decision(staff_client, business, purpose=9, data_class=6, recipient=8).json()["allowed"] is False
    assert _decision(_client(member_user(business)), business).json()["allowed"] is False


def test_decision_for_another_company_is_404_like_an_absent_one():
    business, _owner = business_with_prime()
    other = prime_user(BusinessFactory())
    client = _client(other)
    assert _decision(client, business).status_code == 404
    assert client.get("/api/v1/consent/decision", {"company": "1234567890123", "purpose": 6, "data_class": 6, "recipient": 5}).status_code == 404
    assert _decision(_client(agency_staff()), business, company="9999999999999").status_code == 404


@pytest.mark.parametrize("who", ["institution", "researcher"])
def test_decision_for_institutions_and_researchers_is_403(who):
    business, _owner = business_with_prime()
    user = institution_staff() if who == "institution" else researcher()
    assert _decision(_client(user), business).status_code == 403


def test_decision_with_bad_codes_is_400():
    business, _owner = business_with_prime()
    response = _decision(_client(agency_staff()), business, purpose=10, recipient="x")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"purpose", "recipient"}
