"""差戻し (return for correction) with a reason per field, correction, resubmission with
every submitted snapshot kept and comparable; bad input and steps out of order refused
with nothing written."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.test import Client
from django.utils import translation

from applications import services
from applications.models import (
    Application,
    ApplicationCorrection,
    ApplicationEvent,
    ApplicationSnapshot,
)
from core.errors import ApplicationError
from core.models import AuditEvent
from tests.factories import agency_staff, mfa_login

from .helpers import COMPLETE_JIZOKUKA, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    return agency_staff()


@pytest.fixture
def under_review(prime, open_round, reviewer):
    application = submitted(prime, open_round)
    return services.application_review_start(actor=reviewer, application_id=application.pk)


def _return(reviewer, application, reasons=None):
    return services.application_return(actor=reviewer, application_id=application.pk,
                                       reasons=reasons or {"sales_plan": "販路開拓の対象市場を具体的に書いてください。"})


def test_return_with_reasons_then_correct_and_resubmit_keeps_both_snapshots(prime, reviewer, under_review):
    returned = _return(reviewer, under_review, {"sales_plan": "対象市場を具体的に。", "expenses": "見積書の金額と一致しません。"})
    assert returned.status == "returned"
    correction = ApplicationCorrection.objects.get(application=returned)
    assert correction.cycle == 1 and correction.reasons == {"sales_plan": "対象市場を具体的に。", "expenses": "見積書の金額と一致しません。"}
    audit = AuditEvent.objects.filter(kind=AuditEvent.Kind.APPLICATION_RETURNED, object_id=str(returned.pk)).latest("id")
    assert audit.data["result"] == "returned" and audit.data["fields"] == ["expenses", "sales_plan"]

    services.application_save_draft(actor=prime, application_id=returned.pk,
                                    content={**COMPLETE_JIZOKUKA, "sales_plan": "関東圏の20〜40代女性に向けてECで販売する。"})
    again = services.application_submit(actor=prime, application_id=returned.pk, pledge=True)
    assert again.status == "submitted" and again.submission_count == 2
    assert again.receipt_number == under_review.receipt_number  # the same application, the same number
    snapshots = list(ApplicationSnapshot.objects.filter(application=again).order_by("number"))
    assert [s.number for s in snapshots] == [1, 2]
    assert snapshots[0].data["content"]["sales_plan"] == COMPLETE_JIZOKUKA["sales_plan"]
    assert snapshots[1].data["content"]["sales_plan"] == "関東圏の20〜40代女性に向けてECで販売する。"
    cycles = list(ApplicationEvent.objects.filter(application=again).values_list("to_status", "cycle"))
    assert cycles == [("submitted", 1), ("under_review", 1), ("returned", 1), ("submitted", 2)]


def test_a_kept_snapshot_cannot_be_changed_or_deleted(prime, reviewer, under_review):
    snapshot = ApplicationSnapshot.objects.get(application=under_review)
    with pytest.raises(DatabaseError, match="kept"), transaction.atomic():
        ApplicationSnapshot.objects.filter(pk=snapshot.pk).update(data={"content": {}})
    with pytest.raises(DatabaseError, match="kept"), transaction.atomic():
        ApplicationSnapshot.objects.filter(pk=snapshot.pk).delete()
    assert ApplicationSnapshot.objects.get(pk=snapshot.pk).data == snapshot.data


@pytest.mark.parametrize("reasons", [{}, {"sales_plan": "   "}, {"no_such_field": "理由"}, {"sales_plan": "あ" * 1001}])
def test_a_return_without_a_proper_reason_is_refused_and_writes_nothing(reviewer, under_review, reasons):
    with translation.override("ja"), pytest.raises(ApplicationError) as exc:
        services.application_return(actor=reviewer, application_id=under_review.pk, reasons=reasons)
    assert exc.value.errors["reasons"]
    under_review.refresh_from_db()
    assert under_review.status == "under_review"
    assert not ApplicationCorrection.objects.exists()


def test_return_out_of_order_is_refused(prime, open_round, reviewer):
    application = submitted(prime, open_round)  # submitted, review not started
    with translation.override("ja"), pytest.raises(ApplicationError) as exc:
        _return(reviewer, application)
    assert "差戻し" in str(exc.value.errors) or "できません" in str(exc.value.errors)
    assert not ApplicationCorrection.objects.exists()
    application.refresh_from_db()
    assert application.status == "submitted"


def test_only_agency_staff_return(prime, under_review):
    from django.http import Http404

    with pytest.raises(Http404):
        _return(prime, under_review)


def test_the_applicant_may_withdraw_a_returned_application(prime, reviewer, under_review):
    _return(reviewer, under_review)
    withdrawn = services.application_withdraw(actor=prime, application_id=under_review.pk)
    assert withdrawn.status == "withdrawn"


def test_a_second_event_of_one_cycle_is_refused_by_the_database(prime, reviewer, under_review):
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationEvent.objects.create(application=under_review, from_status="draft", to_status="submitted", cycle=1)


def test_pages_reviewer_returns_applicant_sees_reasons_corrects_and_compares(prime, reviewer, under_review):
    agency = Client(HTTP_ACCEPT_LANGUAGE="ja")
    mfa_login(agency, reviewer)
    page = agency.get(f"/review/applications/{under_review.pk}/").content.decode()
    assert 'id="return-for-correction"' in page
    response = agency.post(f"/review/applications/{under_review.pk}/", {
        "action": "return", "ret-TOTAL_FORMS": "3", "ret-INITIAL_FORMS": "0", "ret-MIN_NUM_FORMS": "0", "ret-MAX_NUM_FORMS": "20",
        "ret-0-field": "plan_title", "ret-0-reason": "補助事業名が取組内容と合っていません。",
        "ret-1-field": "", "ret-1-reason": "", "ret-2-field": "", "ret-2-reason": "",
    })
    assert response.status_code == 302
    applicant = Client(HTTP_ACCEPT_LANGUAGE="ja")
    mfa_login(applicant, prime)
    detail = applicant.get(f"/applications/{under_review.pk}/").content.decode()
    assert "補助事業名が取組内容と合っていません。" in detail and 'id="correct"' in detail
    edit = applicant.get(f"/applications/{under_review.pk}/edit/")
    assert edit.status_code == 200 and "補助事業名が取組内容と合っていません。" in edit.content.decode()
    services.application_save_draft(actor=prime, application_id=under_review.pk,
                                    content={**COMPLETE_JIZOKUKA, "plan_title": "ECサイトによる県外向け販路開拓"})
    services.application_submit(actor=prime, application_id=under_review.pk, pledge=True)
    compare = applicant.get(f"/applications/{under_review.pk}/snapshots/").content.decode()
    assert 'id="changes"' in compare
    assert COMPLETE_JIZOKUKA["plan_title"] in compare and "ECサイトによる県外向け販路開拓" in compare
    assert agency.get(f"/review/applications/{under_review.pk}/snapshots/").status_code == 200
    # Another business cannot open it.
    from tests.factories import BusinessFactory, prime_user

    stranger = Client()
    mfa_login(stranger, prime_user(BusinessFactory()))
    assert stranger.get(f"/applications/{under_review.pk}/snapshots/").status_code == 404


def test_a_return_without_reasons_on_the_page_tells_the_reviewer(reviewer, under_review):
    agency = Client(HTTP_ACCEPT_LANGUAGE="ja")
    mfa_login(agency, reviewer)
    response = agency.post(f"/review/applications/{under_review.pk}/", {
        "action": "return", "ret-TOTAL_FORMS": "1", "ret-INITIAL_FORMS": "0", "ret-MIN_NUM_FORMS": "0", "ret-MAX_NUM_FORMS": "20",
        "ret-0-field": "", "ret-0-reason": "",
    })
    assert response.status_code == 200
    under_review.refresh_from_db()
    assert under_review.status == "under_review" and not ApplicationCorrection.objects.exists()


def test_api_timeline_shows_the_return_and_the_resubmission(prime, reviewer, under_review):
    from rest_framework.test import APIClient

    _return(reviewer, under_review)
    services.application_submit(actor=prime, application_id=under_review.pk, pledge=True)
    client = APIClient()
    mfa_login(client, prime)
    row = next(r for r in client.get("/api/v1/applications").json() if r["id"] == under_review.pk)
    assert [s["status"] for s in row["timeline"]] == ["draft", "submitted", "under_review", "returned", "submitted"]
    assert Application.objects.get(pk=under_review.pk).status == "submitted"


def test_the_agency_s_comparison_passes_the_projection(prime, reviewer, under_review):
    from consent import services as consent_services

    _return(reviewer, under_review, {"contact_name": "担当者を確認してください。"})
    services.application_save_draft(actor=prime, application_id=under_review.pk,
                                    content={**COMPLETE_JIZOKUKA, "contact_name": "秘密 花子", "plan_title": "新しい事業名"})
    services.application_submit(actor=prime, application_id=under_review.pk, pledge=True)
    consent_services.consent_deny(actor=prime, business=prime.membership_or_none.business, data_class=5, recipient=2)
    agency = Client(HTTP_ACCEPT_LANGUAGE="ja")
    mfa_login(agency, reviewer)
    html = agency.get(f"/review/applications/{under_review.pk}/snapshots/").content.decode()
    assert "新しい事業名" in html
    assert "秘密 花子" not in html
    applicant = Client(HTTP_ACCEPT_LANGUAGE="ja")
    mfa_login(applicant, prime)
    assert "秘密 花子" in applicant.get(f"/applications/{under_review.pk}/snapshots/").content.decode()
