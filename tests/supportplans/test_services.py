"""The 様式4 flow through its real services: the request is a disclosure the applicant
approves in the same step; the advisor reads the draft only through it, comments, and
issues a PDF that is attached to the application; submission needs it."""

from __future__ import annotations

import subprocess
import tempfile

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation

from applications import services as application_services
from applications.models import Application
from core.errors import ApplicationError
from core.models import AuditEvent, StatusChange
from disclosure.models import DisclosureRequest
from documents.models import Attachment, Document
from supportplans import services
from supportplans.models import SupportPlanComment, SupportPlanRequest
from tests.applications.factories import business_with_record
from tests.factories import InstitutionFactory, institution_staff, mfa_login, prime_user

from .helpers import FORM4, requested

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run(["pdftotext", "-enc", "UTF-8", f.name, "-"], capture_output=True, check=True, text=True).stdout


class TestRequest:
    def test_the_request_is_a_disclosure_approved_in_the_same_step(self, prime, draft, shokokai):
        request = requested(prime, draft, institution=shokokai, classes=[1, 3, 7, 8, 11])
        disclosure = request.disclosure_request
        assert request.status == "requested"
        assert disclosure.via == "applicant" and disclosure.purpose == 6 and disclosure.status == "approved"
        assert disclosure.institution_id == shokokai.pk and disclosure.business_id == draft.business_id
        assert disclosure.approved_data_classes == [1, 3, 7, 8, 11] and disclosure.is_in_force
        kinds = set(AuditEvent.objects.filter(business_id=draft.business_id).values_list("kind", flat=True))
        assert {"disclosure.requested", "disclosure.approved", "supportplan.status"} <= kinds

    def test_only_an_institution_of_the_area_that_issues_form4(self, prime, draft, business):
        elsewhere = InstitutionFactory(prefecture="27", municipality="大阪市")
        yorozu = InstitutionFactory(prefecture=business.prefecture, municipality=business.municipality, kind="yorozu")
        for institution in (elsewhere, yorozu):
            with translation.override("ja"), pytest.raises(ApplicationError) as exc:
                requested(prime, draft, institution=institution)
            assert "地域の商工会または商工会議所" in str(exc.value.errors["institution"])
        assert not DisclosureRequest.objects.exists() and not SupportPlanRequest.objects.exists()

    def test_the_needed_classes_cannot_be_unticked(self, prime, draft, shokokai):
        with pytest.raises(ApplicationError) as exc:
            requested(prime, draft, institution=shokokai, classes=[3, 6, 7])
        assert "data_classes" in exc.value.errors
        with pytest.raises(ApplicationError):
            requested(prime, draft, institution=shokokai, classes=[1, 5, 8, 11])  # 5 is not for purpose 6
        assert not DisclosureRequest.objects.exists()

    def test_one_open_request_per_application(self, prime, draft, shokokai):
        requested(prime, draft, institution=shokokai)
        other = InstitutionFactory(prefecture=shokokai.prefecture, municipality=shokokai.municipality, kind="chamber")
        with pytest.raises(ApplicationError):
            requested(prime, draft, institution=other)
        assert SupportPlanRequest.objects.count() == 1 and DisclosureRequest.objects.count() == 1

    def test_another_business_application_is_404_and_a_member_403(self, prime, draft, shokokai):
        stranger = prime_user(business_with_record())
        with pytest.raises(Http404):
            requested(stranger, draft, institution=shokokai)
        from tests.factories import member_user

        with pytest.raises(PermissionDenied):
            requested(member_user(draft.business, can_draft_applications=True), draft, institution=shokokai)
        assert not SupportPlanRequest.objects.exists()


class TestAdvisor:
    def test_the_advisor_sees_only_the_approved_classes(self, prime, draft, shokokai, advisor):
        request = requested(prime, draft, institution=shokokai, classes=[1, 8, 11])  # no financials (6), no plan (7)
        release = services.support_plan_draft_release(viewer=advisor, request_id=request.pk)
        content = release["draft"]["content"]
        assert content["plan_title"] == draft.content["plan_title"] and content["company_name"]
        assert "fy_sales" not in content and "plan_overview" not in content and "contact_name" not in content
        assert release["business"]["name"] == draft.business.name
        # The read is in the audit log and the business's access log.
        assert AuditEvent.objects.filter(kind="data.released", business_id=draft.business_id, institution_id=shokokai.pk).exists()
        assert draft.business.access_log.filter(institution=shokokai, purpose=6).exists()

    def test_another_institution_that_was_not_asked_gets_404_and_writes_nothing(self, prime, draft, shokokai, advisor):
        request = requested(prime, draft, institution=shokokai)
        services.support_plan_take_up(actor=advisor, request_id=request.pk)
        outsider = institution_staff(InstitutionFactory(prefecture=shokokai.prefecture, municipality=shokokai.municipality))
        before = (AuditEvent.objects.count(), StatusChange.objects.count(), Document.objects.count())
        for call in (
            lambda: services.support_plan_issue(actor=outsider, request_id=request.pk, values=FORM4),
            lambda: services.support_plan_comment(actor=outsider, request_id=request.pk, body="横から失礼します"),
            lambda: services.support_plan_draft_release(viewer=outsider, request_id=request.pk),
        ):
            with pytest.raises(Http404):
                call()
        assert (AuditEvent.objects.count(), StatusChange.objects.count(), Document.objects.count()) == before
        request.refresh_from_db()
        assert request.status == "in_review" and request.document_id is None

    def test_threaded_comments_move_the_request_between_the_two_sides(self, prime, draft, shokokai, advisor):
        request = requested(prime, draft, institution=shokokai)
        services.support_plan_take_up(actor=advisor, request_id=request.pk)
        first = services.support_plan_comment(actor=advisor, request_id=request.pk, body="数値目標を書き足してください。")
        request.refresh_from_db()
        assert request.status == "commented"
        reply = services.support_plan_reply(actor=prime, request_id=request.pk, body="売上10%増を追記しました。", parent_id=first.pk)
        request.refresh_from_db()
        assert request.status == "in_review" and reply.parent_id == first.pk and reply.author_side == "applicant"
        from supportplans.selectors import comment_threads

        threads = comment_threads(request=request)
        assert [t["comment"].pk for t in threads] == [first.pk] and [r.pk for r in threads[0]["replies"]] == [reply.pk]
        # A reply to a comment that is not of this request is refused, nothing written.
        with pytest.raises(ApplicationError):
            services.support_plan_reply(actor=prime, request_id=request.pk, body="x", parent_id=10**9)
        assert SupportPlanComment.objects.count() == 2
        assert AuditEvent.objects.filter(kind="supportplan.comment").count() == 2

    def test_issue_renders_a_japanese_pdf_attached_to_the_application(self, prime, draft, shokokai, advisor):
        request = requested(prime, draft, institution=shokokai)
        services.support_plan_take_up(actor=advisor, request_id=request.pk)
        issued = services.support_plan_issue(actor=advisor, request_id=request.pk, values=FORM4)
        assert issued.status == "issued" and issued.issued_by == advisor
        document = issued.document
        assert document.document_type == "support_plan" and document.data_class == 7 and document.business_id == draft.business_id
        assert Attachment.objects.filter(application=draft, document=document).exists()
        with document.open_file() as f:
            text = pdf_text(f.read())
        assert "事業支援計画書" in text and "千代田商工会" in text and "商工 太郎" in text
        assert "経営計画・補助事業計画に対する所見" in text and "実現可能性が高い" in text.replace("\n", "")
        assert draft.business.name in text
        assert AuditEvent.objects.filter(kind="supportplan.status", object_id=str(request.pk), data__to="issued").exists()
        # The advisor was told of the request, the applicant of the issue (through the outbox).
        from notifications.models import OutboxMessage

        assert OutboxMessage.objects.filter(template="form4_requested", to_email=advisor.email).count() == 1
        assert OutboxMessage.objects.filter(template="form4_updated", to_email=prime.email, context__status="issued").count() == 1

    def test_out_of_order_steps_are_refused_in_japanese_and_change_nothing(self, prime, draft, shokokai, advisor):
        request = requested(prime, draft, institution=shokokai)
        with translation.override("ja"), pytest.raises(ApplicationError) as exc:
            services.support_plan_issue(actor=advisor, request_id=request.pk, values=FORM4)  # not taken up yet
        assert "受け付けて" in str(exc.value.errors)
        services.support_plan_take_up(actor=advisor, request_id=request.pk)
        with pytest.raises(ApplicationError) as exc:
            services.support_plan_take_up(actor=advisor, request_id=request.pk)  # twice
        with pytest.raises(ApplicationError) as exc:
            services.support_plan_issue(actor=advisor, request_id=request.pk, values={**FORM4, "plan_findings": ""})
        assert "plan_findings" in exc.value.errors
        services.support_plan_issue(actor=advisor, request_id=request.pk, values=FORM4)
        documents = Document.objects.count()
        with translation.override("ja"), pytest.raises(ApplicationError) as exc:
            services.support_plan_issue(actor=advisor, request_id=request.pk, values=FORM4)
        assert "すでに交付" in str(exc.value.errors)
        for call in (lambda: services.support_plan_comment(actor=advisor, request_id=request.pk, body="追記"),
                     lambda: services.support_plan_withdraw(actor=prime, request_id=request.pk),
                     lambda: services.support_plan_decline(actor=advisor, request_id=request.pk, reason="理由")):
            with pytest.raises(ApplicationError):
                call()
        assert Document.objects.count() == documents
        request.refresh_from_db()
        assert request.status == "issued"
        assert list(StatusChange.objects.filter(model="supportplans.supportplanrequest", object_id=str(request.pk))
                    .values_list("to_status", flat=True)) == ["in_review", "issued"]

    def test_withdrawal_ends_the_advisors_access(self, prime, draft, shokokai, advisor):
        request = requested(prime, draft, institution=shokokai)
        services.support_plan_withdraw(actor=prime, request_id=request.pk)
        request.refresh_from_db()
        request.disclosure_request.refresh_from_db()
        assert request.status == "withdrawn" and request.disclosure_request.status == "revoked"
        with pytest.raises(Http404):
            services.support_plan_draft_release(viewer=advisor, request_id=request.pk)
        with pytest.raises(Http404):
            services.support_plan_take_up(actor=advisor, request_id=request.pk)
        # Another institution may then be asked.
        assert requested(prime, draft, institution=shokokai).status == "requested"

    def test_declined_request_says_why(self, prime, draft, shokokai, advisor):
        request = requested(prime, draft, institution=shokokai)
        with pytest.raises(ApplicationError):
            services.support_plan_decline(actor=advisor, request_id=request.pk, reason="  ")
        declined = services.support_plan_decline(actor=advisor, request_id=request.pk, reason="地区外の事業者のため")
        assert declined.status == "declined" and declined.decline_reason == "地区外の事業者のため"

    def test_a_decline_ends_the_advisors_access_at_once(self, prime, draft, shokokai, advisor):
        """Like a withdrawal: the disclosure the applicant approved for the request is
        revoked in the decline's transaction, audited, and the institution reads nothing
        more of the business (the draft, the company API, another step on the request)."""
        from consent.models import InstitutionGrant
        from disclosure.services import company_data_release

        request = requested(prime, draft, institution=shokokai)
        services.support_plan_take_up(actor=advisor, request_id=request.pk)
        assert company_data_release(viewer=advisor, business_id=draft.business_id, channel="api") is not None
        services.support_plan_decline(actor=advisor, request_id=request.pk, reason="地区外の事業者のため")
        request.refresh_from_db()
        request.disclosure_request.refresh_from_db()
        assert request.status == "declined" and request.disclosure_request.status == "revoked"
        assert request.disclosure_request.closed_at is not None
        grant = InstitutionGrant.objects.get(disclosure_request_id=request.disclosure_request_id)
        assert grant.revoked_at is not None
        ended = AuditEvent.objects.get(kind="disclosure.revoked", business_id=draft.business_id)
        assert ended.data == {"disclosure_request_id": request.disclosure_request_id, "reason": "declined"}
        assert ended.actor_id == advisor.pk
        assert company_data_release(viewer=advisor, business_id=draft.business_id, channel="api") is None
        for call in (lambda: services.support_plan_draft_release(viewer=advisor, request_id=request.pk),
                     lambda: services.support_plan_comment(actor=advisor, request_id=request.pk, body="追記")):
            with pytest.raises(Http404):
                call()
        # The applicant may ask again (a new request, a new approval).
        assert requested(prime, draft, institution=shokokai).disclosure_request.is_in_force


class TestSubmission:
    def test_submission_needs_an_issued_form4(self, prime, draft, shokokai, advisor):
        with translation.override("ja"), pytest.raises(ApplicationError) as exc:
            application_services.application_submit(actor=prime, application_id=draft.pk, pledge=True)
        assert "様式4" in exc.value.errors["support_plan"][0]
        draft.refresh_from_db()
        assert draft.status == "draft" and draft.snapshot is None and draft.receipt_number is None
        # A 様式4 the applicant uploads itself is not one an institution issued.
        from django.core.files.uploadedfile import SimpleUploadedFile

        from documents.services import document_upload

        fake = SimpleUploadedFile("様式4.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")
        document_upload(actor=prime, uploaded_file=fake, document_type="support_plan", attach_to=draft.pk)
        with pytest.raises(ApplicationError) as exc:
            application_services.application_submit(actor=prime, application_id=draft.pk, pledge=True)
        assert "support_plan" in exc.value.errors
        # Issued by the 商工会 asked: submitted.
        request = requested(prime, draft, institution=shokokai)
        services.support_plan_take_up(actor=advisor, request_id=request.pk)
        services.support_plan_issue(actor=advisor, request_id=request.pk, values=FORM4)
        assert application_services.application_submit(actor=prime, application_id=draft.pk, pledge=True).status == "submitted"

    def test_a_form4_from_outside_the_area_does_not_count(self, prime, draft, shokokai, advisor, business):
        request = requested(prime, draft, institution=shokokai)
        services.support_plan_take_up(actor=advisor, request_id=request.pk)
        services.support_plan_issue(actor=advisor, request_id=request.pk, values=FORM4)
        business.prefecture, business.municipality = "27", "大阪市"  # the business moved
        business.save(update_fields=["prefecture", "municipality"])
        with translation.override("ja"), pytest.raises(ApplicationError) as exc:
            application_services.application_submit(actor=prime, application_id=draft.pk, pledge=True)
        assert "地域外" in exc.value.errors["support_plan"][0]
        assert Application.objects.get(pk=draft.pk).status == "draft"

    def test_the_api_refuses_in_japanese(self, client, prime, draft):
        mfa_login(client, prime)
        response = client.post(f"/api/v1/applications/{draft.pk}/submit", {"pledge": True}, content_type="application/json",
                               HTTP_ACCEPT_LANGUAGE="ja")
        assert response.status_code == 400
        assert "様式4" in response.json()["errors"]["support_plan"][0]
        assert Application.objects.get(pk=draft.pk).status == "draft"
