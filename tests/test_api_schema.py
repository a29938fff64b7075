"""The OpenAPI schema (/api/schema/) describes what the API really returns: real responses
are validated against the schema of their operation. The response serializers of the
views generate the schema, so a field a view returns is a field the schema documents
(AccessLogApi's `channel`, DisclosureDecisionApi's `approved_data_classes` were missing)."""

from __future__ import annotations

import jsonschema
import pytest
from rest_framework.test import APIClient

from tests.api_schema import assert_matches_schema
from tests.disclosure.factories import make_request
from tests.factories import BusinessFactory, institution_staff, mfa_login, prime_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_disclosure_endpoints_answer_what_the_schema_says(schema):
    staff, business = institution_staff(), BusinessFactory()
    prime = prime_user(business)
    institution, company = APIClient(), APIClient()
    mfa_login(institution, staff)
    mfa_login(company, prime)
    import datetime as dt

    from django.utils import timezone

    created = institution.post("/api/v1/disclosure-requests", {
        "corporate_number": business.corporate_number, "purpose": 6, "data_classes": [1, 6],
        "valid_until": (timezone.localdate() + dt.timedelta(days=30)).isoformat(), "message": "相談のため",
    }, format="json")
    assert created.status_code == 201
    assert_matches_schema(schema, "POST", "/api/v1/disclosure-requests", created)
    request_id = created.json()["id"]
    for client in (institution, company):
        listed = client.get("/api/v1/disclosure-requests")
        assert listed.status_code == 200 and listed.json()
        assert_matches_schema(schema, "GET", "/api/v1/disclosure-requests", listed)
    decided = company.post(f"/api/v1/disclosure-requests/{request_id}/decision", {"decision": "approve", "data_classes": [1]},
                           format="json")
    assert decided.status_code == 200 and decided.json()["approved_data_classes"] == [1]
    assert_matches_schema(schema, "POST", f"/api/v1/disclosure-requests/{request_id}/decision", decided)
    data = institution.get(f"/api/v1/companies/{business.corporate_number}")
    assert data.status_code == 200
    assert_matches_schema(schema, "GET", f"/api/v1/companies/{business.corporate_number}", data)
    own = company.get(f"/api/v1/companies/{business.corporate_number}")
    assert own.status_code == 200
    assert_matches_schema(schema, "GET", f"/api/v1/companies/{business.corporate_number}", own)
    log = company.get("/api/v1/access-log")
    assert log.status_code == 200 and log.json()[0]["channel"] == "api"
    assert_matches_schema(schema, "GET", "/api/v1/access-log", log)
    revoked = company.post(f"/api/v1/disclosure-requests/{request_id}/revoke")
    assert revoked.status_code == 200
    assert_matches_schema(schema, "POST", f"/api/v1/disclosure-requests/{request_id}/revoke", revoked)


def test_the_schema_documents_the_fields_that_were_missing(schema):
    components = schema["components"]["schemas"]
    assert "channel" in components["AccessLogEntry"]["properties"]
    assert "approved_data_classes" in components["DecisionResult"]["properties"]


def test_the_check_fails_on_an_undocumented_field(schema):
    staff, business = institution_staff(), BusinessFactory()
    request = make_request(staff=staff, business=business)
    client = APIClient()
    mfa_login(client, prime_user(business))
    response = client.post(f"/api/v1/disclosure-requests/{request.pk}/revoke")  # refused: still pending
    assert response.status_code == 400
    with pytest.raises(AssertionError):
        assert_matches_schema(schema, "POST", f"/api/v1/disclosure-requests/{request.pk}/revoke", response)

    class Fake:
        status_code = 200

        @staticmethod
        def json():
            return {"id": 1, "status": "revoked", "secret": "not documented"}

    with pytest.raises(jsonschema.ValidationError):
        assert_matches_schema(schema, "POST", f"/api/v1/disclosure-requests/{request.pk}/revoke", Fake)
