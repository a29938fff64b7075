"""The input layer (core/input.py): issue 12's 45 server errors from bad input, 7 kinds,
each reproduced here as a regression test. Every refusal is a 4xx in the API's error
shape (or a form error on a page), translated, and writes nothing."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from companies.models import FinancialYear
from consent.models import Narrowing
from core.models import AuditEvent
from disclosure.models import DisclosureRequest
from institutions.models import SupportRecord
from linkage.models import IntakeBatch
from linkage.services import records_import
from tests.disclosure.factories import make_request
from tests.factories import (
    BusinessFactory,
    InstitutionFactory,
    agency_staff,
    institution_staff,
    mfa_login,
    prime_user,
)
from tests.linkage.factories import financial_record, partner

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000  # ~100 KB: json.loads raised RecursionError (a 500)


def _signed_in(user, *, mfa=True) -> APIClient:
    client = APIClient()
    if mfa:
        mfa_login(client, user)
    else:
        client.force_login(user)
    return client


def _assert_error_shape(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"errors"}, body
    assert all(isinstance(k, str) and isinstance(v, list) and all(isinstance(m, str) for m in v)
               for k, v in body["errors"].items()), body
    if field is not None:
        assert field in body["errors"], body
    return body["errors"]


def _counts() -> tuple[int, ...]:
    return (AuditEvent.objects.count(), Narrowing.objects.count(), DisclosureRequest.objects.count(),
            IntakeBatch.objects.count(), FinancialYear.objects.count(), SupportRecord.objects.count())


# --- kind 1: deeply nested JSON ---------------------------------------------------------


def _deep_targets():
    business = BusinessFactory()
    prime = prime_user(business)
    staff = institution_staff()
    request = make_request(staff=staff, business=business, classes=(1, 6))
    _client, key = partner()
    return [
        (APIClient(), "post", "/api/v1/eligibility/jizokuka", {}),
        (_signed_in(prime), "put", "/api/v1/consent", {}),
        (_signed_in(staff, mfa=False), "post", "/api/v1/disclosure-requests", {}),
        (_signed_in(prime), "post", f"/api/v1/disclosure-requests/{request.pk}/decision", {}),
        (APIClient(), "post", "/api/v1/partner/records", {"HTTP_AUTHORIZATION": f"Partner {key}"}),
    ]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_deeply_nested_json_is_413_in_the_error_shape_everywhere(language):
    targets = _deep_targets()
    before = _counts()
    for client, method, url, headers in targets:
        response = getattr(client, method)(url, data=DEEP, content_type="application/json",
                                           HTTP_ACCEPT_LANGUAGE=language, **headers)
        errors = _assert_error_shape(response, 413)
        message = errors["non_field_errors"][0]
        assert ("深" in message) if language == "ja" else ("deeper" in message), message
    assert _counts() == before


def test_moderately_nested_json_beyond_the_limit_is_413_with_the_field_named():
    nested: list = [1]
    for _level in range(40):
        nested = [nested]
    body = {"staff": nested}
    response = APIClient().post("/api/v1/eligibility/jizokuka", body, format="json")
    errors = _assert_error_shape(response, 413)
    assert any(key.startswith("staff") for key in errors)


def test_deep_json_in_the_consent_form_is_a_message_not_a_500():
    business = BusinessFactory()
    client = Client()
    mfa_login(client, prime_user(business))
    response = client.post("/consent/confirm/", {"step": "apply", "denied": DEEP, "digest": "x"}, follow=True,
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "deeper" in response.content.decode()
    assert not Narrowing.objects.filter(business=business).exists()


# --- kind 2: numbers too big for their column; NUL and lone surrogates --------------------


@pytest.mark.parametrize(("field", "value"), [
    ("sales", 10**25), ("sales", 2**63), ("sales", "1" + "0" * 5000), ("employees", 10**12),
    ("employees", "1000000000000"), ("name", "青葉\x00精機"), ("address", "仙台市\ud800"),
    ("record_id", "K\x00-1"), ("municipality", "仙台\x07市"),
])
def test_partner_intake_refuses_out_of_range_numbers_and_bad_characters(field, value):
    _client, key = partner()
    business = BusinessFactory()
    record = financial_record(corporate_number=business.corporate_number, **{field: value})
    before = _counts()
    body = json.dumps({"records": [record]}, ensure_ascii=True)  # \ud800 and \u0000 travel as JSON escapes
    response = APIClient().post("/api/v1/partner/records", data=body, content_type="application/json",
                                HTTP_AUTHORIZATION=f"Partner {key}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content[:300]
    assert "errors" in response.json()
    assert _counts() == before


@pytest.mark.parametrize(("column", "cell"), [
    ("sales", "10000000000000000000000000"), ("sales", "9223372036854775808"), ("employees", "1000000000000"),
    ("employees", "𐩀"), ("employees", "²"), ("name", "青葉\x00精機"),
])
def test_csv_import_reports_a_bad_row_for_out_of_range_numbers_and_bad_characters(column, cell):
    institution = InstitutionFactory()
    business = BusinessFactory()
    row = {"管理番号": "K-1", "法人番号": business.corporate_number, "事業者名": "青葉精機", "決算年度": "2023",
           "売上高": "1000", "従業員数": "3"}
    header = {"sales": "売上高", "employees": "従業員数", "name": "事業者名"}[column]
    row[header] = cell
    text = ",".join(row) + "\n" + ",".join(row.values()) + "\n"
    before = _counts()
    report = records_import(data=text.encode("utf-8"), filename="k.csv", institution_id=institution.pk)
    assert report.bad_rows and not report.applied
    assert _counts() == before


# --- kind 3: a digit to isdigit(), not to int() ---------------------------------------------


@pytest.mark.parametrize("value", ["𐩀", "²", "٣", "1e3", "12.5"])
def test_partner_employees_that_are_not_ascii_digits_are_refused(value):
    _client, key = partner()
    business = BusinessFactory()
    response = APIClient().post("/api/v1/partner/records",
                                {"records": [financial_record(corporate_number=business.corporate_number, employees=value)]},
                                format="json", HTTP_AUTHORIZATION=f"Partner {key}")
    assert response.status_code == 400
    assert "employees" in response.json()["errors"]["records"]["0"]


def test_full_width_digits_are_read_after_nfkc():
    _client, key = partner()
    business = BusinessFactory()
    response = APIClient().post("/api/v1/partner/records",
                                {"records": [financial_record(corporate_number=business.corporate_number, employees="１２")]},
                                format="json", HTTP_AUTHORIZATION=f"Partner {key}")
    assert response.status_code == 201, response.json()
    assert FinancialYear.objects.get(business=business).employees == 12


# --- kind 4: the minimum-wage calculator with 1e30, 1e999999999, NaN, Infinity ---------------


@pytest.mark.parametrize("value", ["1e30", "1e999999999", "NaN", "Infinity", "-Infinity", "sNaN", "0.0000000001",
                                   "1" * 5000, "𐩀", "²"])
@pytest.mark.parametrize("field", ["monthly_pay", "monthly_hours"])
def test_minimum_wage_calculator_refuses_numbers_it_cannot_compute(client, value, field):
    data = {"kind": "monthly", "monthly_pay": "240000", "monthly_hours": "160", field: value}
    response = client.post("/eligibility/minimum-wage/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["errors"] and field in response.context["errors"]
    assert response.context["result"] is None


@pytest.mark.parametrize(("data", "field"), [
    ({"kind": "commission", "commission_total": "1", "hours_worked": "1", "months": "1", "fixed_hourly": "NaN"}, "fixed_hourly"),
    ({"kind": "annual", "annual_pay": "1e999999999", "working_days": "240", "daily_hours": "8"}, "annual_pay"),
    ({"kind": "daily", "daily_pay": "Infinity", "daily_hours": "8"}, "daily_pay"),
])
def test_minimum_wage_other_kinds(client, data, field):
    response = client.post("/eligibility/minimum-wage/", data)
    assert response.status_code == 200 and field in response.context["errors"]


def test_minimum_wage_still_computes_full_width_input(client):
    response = client.post("/eligibility/minimum-wage/", {"kind": "monthly", "monthly_pay": "２４００００", "monthly_hours": "160"})
    assert str(response.context["result"]) == "1500.00"


# --- kind 5: query parameters -------------------------------------------------------------


@pytest.mark.parametrize("query", [
    "company=%00%00%00&purpose=1&data_class=1&recipient=1",
    "company=7000012050002&purpose=%C2%B2&data_class=1&recipient=1",  # ²
    "company=7000012050002&purpose=%F0%90%A9%80&data_class=1&recipient=1",  # 𐩀
    "company=7000012050002&purpose=1&data_class=99999999999999999999999&recipient=1",
    "company=%ED%A0%80&purpose=1&data_class=1&recipient=1",  # an encoded lone surrogate
])
def test_consent_decision_query_parameters_are_400(query):
    client = _signed_in(agency_staff())
    response = client.get(f"/api/v1/consent/decision?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code in (400, 404), response.content[:300]
    if response.status_code == 400:
        _assert_error_shape(response, 400)


def test_nul_in_a_query_is_400_for_pages_and_the_api():
    response = APIClient().get("/api/v1/programs?q=%00")
    _assert_error_shape(response, 400, "q")
    page = Client().get("/programs/?q=ab%00", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400 and "NUL" in page.content.decode()


def test_nul_in_a_path_is_400():
    client = _signed_in(institution_staff(), mfa=False)
    _assert_error_shape(client.get("/api/v1/companies/%00"), 400, "path")


def test_full_width_codes_still_answer():
    business = BusinessFactory()
    client = _signed_in(agency_staff())
    response = client.get(f"/api/v1/consent/decision?company={business.corporate_number}&purpose=１&data_class=1&recipient=1")
    assert response.status_code == 200 and "allowed" in response.json()


# --- kind 7: huge bodies, malformed JSON ---------------------------------------------------


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_20_mb_body_is_413_json_for_the_api(language):
    body = b'{"x": "' + b"a" * (20 * 1024 * 1024) + b'"}'
    response = APIClient().post("/api/v1/eligibility/jizokuka", data=body, content_type="application/json",
                                HTTP_ACCEPT_LANGUAGE=language)
    errors = _assert_error_shape(response, 413)
    assert ("大き" in errors["non_field_errors"][0]) if language == "ja" else ("too large" in errors["non_field_errors"][0])


def test_a_20_mb_form_post_is_a_413_page():
    body = "a=" + "b" * (20 * 1024 * 1024)
    response = Client().post("/eligibility/minimum-wage/", data=body, content_type="application/x-www-form-urlencoded",
                             HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html") and "too large" in response.content.decode()


@pytest.mark.parametrize(("language", "needle"), [("ja", "JSON"), ("en", "not valid JSON")])
@pytest.mark.parametrize("body", ['{"industry": ', "{'a': 1}", "[1, 2,]", "NaN", '{"a": Infinity}', '{"a": 1e999999999}',
                                  b'{"a": "\xff\xfe"}'])
def test_malformed_json_is_400_in_the_error_shape(body, language, needle):
    response = APIClient().post("/api/v1/eligibility/jizokuka", data=body, content_type="application/json",
                                HTTP_ACCEPT_LANGUAGE=language)
    errors = _assert_error_shape(response, 400)
    assert "detail" not in response.json()
    assert errors["non_field_errors"]


def test_unsupported_media_type_uses_the_error_shape():
    response = APIClient().post("/api/v1/eligibility/jizokuka", data="x", content_type="text/plain")
    _assert_error_shape(response, 415)


def test_nul_and_surrogates_in_json_strings_are_400_with_the_field_named():
    staff = institution_staff()
    client = _signed_in(staff, mfa=False)
    before = _counts()
    for text in ('"7000012050002\\u0000"', '"\\ud800"', '"\\udfff abc"'):
        body = '{"corporate_number": ' + text + ', "purpose": 2, "data_classes": [1], "valid_until": "2099-01-01"}'
        response = client.post("/api/v1/disclosure-requests", data=body, content_type="application/json")
        _assert_error_shape(response, 400, "corporate_number")
    assert _counts() == before


def test_integers_beyond_64_bits_are_400():
    client = _signed_in(institution_staff(), mfa=False)
    body = '{"corporate_number": "7000012050002", "purpose": 99999999999999999999999, "data_classes": [1], "valid_until": "2099-01-01"}'
    response = client.post("/api/v1/disclosure-requests", data=body, content_type="application/json")
    _assert_error_shape(response, 400)
