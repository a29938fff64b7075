"""The 様式4 flow through the API: the applicant asks (approving the disclosure), reads the
status and the comments; the advisor reads the draft only through the consent projection
(logged, channel api), comments only where the conversation is released, issues; a
request of another institution, or whose approval ended, is 404."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from consent.services import consent_narrowings_replace
from disclosure.models import AccessLogEntry
from supportplans.models import SupportPlanComment, SupportPlanRequest
from tests.factories import institution_staff, member_user, mfa_login

from .helpers import FORM4, area_institution, requested

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    mfa_login(client, user)
    return client


def post(client, path: str, body: dict | None = None, **extra):
    return client.post(path, json.dumps(body or {}), content_type="application/json", **extra)


def ask_body(institution, classes=(1, 3, 6, 7, 8, 11)) -> dict:
    from supportplans.services import default_valid_until

    return {"institution": institution.pk, "data_classes": list(classes), "valid_until": default_valid_until().isoformat(),
            "message": "様式4をお願いします。"}


def test_the_whole_form4_flow_through_the_api(prime, draft, shokokai, advisor):
    applicant, adv = client_for(prime), client_for(advisor)
    created = post(applicant, f"/api/v1/applications/{draft.pk}/support-plan-requests", ask_body(shokokai),
                   HTTP_IDEMPOTENCY_KEY="ask-1")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "requested" and body["disclosure_status"] == "approved" and body["approved_data_classes"] == [1, 3, 6, 7, 8, 11]
    replay = post(applicant, f"/api/v1/applications/{draft.pk}/support-plan-requests", ask_body(shokokai),
                  HTTP_IDEMPOTENCY_KEY="ask-1")
    assert replay.json() == body and SupportPlanRequest.objects.count() == 1
    pk = body["id"]

    assert [r["id"] for r in adv.get("/api/v1/institution/support-plan-requests").json()] == [pk]
    assert post(adv, f"/api/v1/institution/support-plan-requests/{pk}/take-up").status_code == 200
    read = adv.get(f"/api/v1/institution/support-plan-requests/{pk}").json()
    assert read["draft"]["plan_title"] == draft.plan_title and read["conversation"] is True
    assert AccessLogEntry.objects.filter(business_id=draft.business_id, channel="api", purpose=6).exists()
    comment = post(adv, f"/api/v1/institution/support-plan-requests/{pk}/comments", {"body": "売上計画の根拠を追記してください。"})
    assert comment.status_code == 201 and comment.json()["side"] == "advisor"
    reply = post(applicant, f"/api/v1/support-plan-requests/{pk}/comments", {"body": "追記しました。", "parent": comment.json()["id"]})
    assert reply.status_code == 201 and reply.json()["parent_id"] == comment.json()["id"]
    seen = applicant.get(f"/api/v1/support-plan-requests/{pk}").json()
    assert [c["side"] for c in seen["comments"]] == ["advisor", "applicant"] and seen["status"] == "in_review"

    issued = post(adv, f"/api/v1/institution/support-plan-requests/{pk}/issue", FORM4)
    assert issued.status_code == 201 and issued.json()["status"] == "issued" and issued.json()["document_id"]
    again = post(adv, f"/api/v1/institution/support-plan-requests/{pk}/issue", FORM4)
    assert again.status_code == 400 and "すでに交付" in again.json()["errors"]["non_field_errors"][0]
    seen = applicant.get(f"/api/v1/support-plan-requests/{pk}").json()
    assert seen["status"] == "issued" and seen["document_id"] == issued.json()["document_id"]
    assert applicant.get(f"/api/v1/documents/{seen['document_id']}/file").status_code == 200
    # The draft can now be submitted (the 様式4 is issued by an institution of the area).
    assert post(applicant, f"/api/v1/applications/{draft.pk}/submit", {"pledge": True}).status_code == 200


def test_refusals_of_the_applicant(prime, draft, business, shokokai):
    applicant = client_for(prime)
    path = f"/api/v1/applications/{draft.pk}/support-plan-requests"
    elsewhere = area_institution(business, kind="yorozu")
    response = post(applicant, path, ask_body(elsewhere))
    assert response.status_code == 400 and "地域の商工会または商工会議所" in response.json()["errors"]["institution"][0]
    response = post(applicant, path, ask_body(shokokai, classes=(3, 6)))
    assert response.status_code == 400 and "data_classes" in response.json()["errors"]
    # A Member may not approve a disclosure: 403; nothing was written.
    member = member_user(business, can_draft_applications=True)
    assert post(client_for(member), path, ask_body(shokokai)).status_code == 403
    assert not SupportPlanRequest.objects.exists()


def test_the_advisor_sees_only_what_consent_releases(prime, draft, business, shokokai, advisor):
    request = requested(prime, draft, institution=shokokai, classes=[1, 8, 11])
    adv = client_for(advisor)
    # The business narrows the conversation (class 11) for institutions: no comments, no commenting.
    consent_narrowings_replace(actor=prime, business=business, denied=[{"data_class": 11, "recipient": 5}])
    SupportPlanComment.objects.create(request=request, author=prime, author_side="applicant", body="CANARY-11 相談内容")
    read = adv.get(f"/api/v1/institution/support-plan-requests/{request.pk}")
    assert read.status_code == 200
    assert read.json()["conversation"] is False and read.json()["comments"] == []
    assert "CANARY-11" not in read.content.decode()
    assert 6 not in read.json()["released_classes"]
    refused = post(adv, f"/api/v1/institution/support-plan-requests/{request.pk}/comments", {"body": "ご相談ください。"})
    assert refused.status_code == 403
    assert SupportPlanComment.objects.filter(author_side="advisor").count() == 0


def test_404_where_existence_must_not_leak(prime, draft, business, shokokai, advisor):
    request = requested(prime, draft, institution=shokokai)
    other = client_for(institution_staff(area_institution(business, name="隣町商工会")))
    for path in (f"/api/v1/institution/support-plan-requests/{request.pk}",
                 "/api/v1/institution/support-plan-requests/999999"):
        assert other.get(path).status_code == 404
    assert post(other, f"/api/v1/institution/support-plan-requests/{request.pk}/issue", FORM4).status_code == 404
    # Declined: the approval ended with it, so the advisor who declined reads nothing more.
    adv = client_for(advisor)
    declined = post(adv, f"/api/v1/institution/support-plan-requests/{request.pk}/decline", {"reason": "地区外の事業者のため"})
    assert declined.status_code == 200 and declined.json() == {"id": request.pk, "status": "declined"}
    assert adv.get(f"/api/v1/institution/support-plan-requests/{request.pk}").status_code == 404
    assert adv.get(f"/api/v1/companies/{business.corporate_number}").status_code == 404
    # The applicant sees why, and a business user of another business gets 404.
    seen = client_for(prime).get(f"/api/v1/support-plan-requests/{request.pk}").json()
    assert seen["status"] == "declined" and seen["disclosure_status"] == "revoked" and seen["decline_reason"] == "地区外の事業者のため"
    # Institution staff on the applicant's endpoints: 403 before any lookup.
    assert adv.get(f"/api/v1/support-plan-requests/{request.pk}").status_code == 403
