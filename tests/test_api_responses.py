"""Every endpoint of /api/schema/ answers what the schema says.

The operations come from the schema itself (and every URL under /api/v1/ of the URL walk
must be in the schema), so a new endpoint is covered the moment it exists: it fails here
until its success answer is documented by a response serializer AND a call below
(CALLS: who calls it, with which real data) shows its real response fits that schema.
Each call runs with the role api.md names, on fixture data built through the real
services, and its JSON is validated against the operation's schema, closed: a field the
schema does not document or a wrong type fails (tests/api_schema.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from applications.models import Application, Program
from consent.access import PURPOSE_CONSULTATION, SUPPORT_INSTITUTIONS
from consent.registry import FINANCIALS, IDENTITY
from core.urlwalk import walk_urls
from tests.analytics.factories import ApplicationFactory
from tests.api_schema import (
    assert_matches_schema,
    operation_for,
    operations,
    undocumented_success,
)
from tests.applications.factories import SubsidyRoundFactory, business_with_record
from tests.applications.helpers import complete_draft, start_draft
from tests.disclosure.factories import approved_request
from tests.documents.factories import uploaded_document
from tests.documents.files import pdf_bytes, upload
from tests.factories import (
    BusinessFactory,
    InstitutionFactory,
    agency_staff,
    institution_staff,
    mfa_login,
    prime_user,
    researcher,
)
from tests.linkage.factories import financial_record, partner
from tests.programs.factories import CaseStudyFactory, SupportProgramFactory
from tests.supportplans.helpers import FORM4

pytestmark = pytest.mark.django_db


@dataclass
class Call:
    """One request: `who` is a role of the World (None: anonymous)."""

    who: str | None
    method: str
    path: str
    body: Any = None
    format: str | None = "json"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class World:
    """The fixture data, built on first use through the real services and factories."""

    @cached_property
    def business(self):
        return business_with_record()

    @cached_property
    def prime(self):
        return prime_user(self.business)

    @cached_property
    def soloist(self):
        """The Prime holder of a sole proprietor (no 法人番号)."""
        return prime_user(BusinessFactory(sole_proprietor=True))

    @cached_property
    def staff(self):
        return institution_staff()

    @cached_property
    def researcher(self):
        return researcher()

    @cached_property
    def approved(self):
        """A disclosure request of `staff` to `business`, approved for classes 1 and 6."""
        return approved_request(staff=self.staff, prime=self.prime, business=self.business, classes=(IDENTITY, FINANCIALS))[0]

    @cached_property
    def pending(self):
        from disclosure.services import disclosure_request_create

        return disclosure_request_create(
            actor=self.staff, corporate_number=self.business.corporate_number, purpose=PURPOSE_CONSULTATION,
            data_classes=[IDENTITY], valid_until=timezone.localdate() + dt.timedelta(days=30), message="相談のため")

    @cached_property
    def draft(self):
        return complete_draft(self.prime, start_draft(self.prime, subsidy_round=SubsidyRoundFactory()))

    @cached_property
    def awarded(self):
        """An adopted application of `prime` with its award granted and one expense line."""
        from awards import services as award_services
        from tests.awards.helpers import adopted_application, granted, line, receipt

        application = adopted_application(self.prime, agency_staff(), SubsidyRoundFactory())
        granted(self.prime, agency_staff(), application)
        award_services.expense_line_add(actor=self.prime, application_id=application.pk,
                                        line=line(self.prime, document=receipt(self.prime, "schema")))
        return application

    @cached_property
    def adopted(self):
        """An adopted application of `prime` before its grant request."""
        from tests.awards.helpers import adopted_application

        return adopted_application(self.prime, agency_staff(), SubsidyRoundFactory())

    @cached_property
    def confirmed(self):
        """An adopted application whose award is reported and confirmed (the claim is next)."""
        from awards import services as award_services
        from tests.awards.helpers import adopted_application, reported

        staff = agency_staff()
        application = reported(self.prime, staff, adopted_application(self.prime, staff, SubsidyRoundFactory()))
        award_services.confirm(actor=staff, application_id=application.pk, assessments={})
        return application

    def receipt_id(self, tag: str) -> int:
        return uploaded_document(self.prime, tag=tag, document_type="receipt").pk

    def expense_line(self, tag: str) -> dict:
        return {"category": "advertising", "description": "ポスター印刷", "vendor": "株式会社印刷堂",
                "paid_on": timezone.localdate().isoformat(), "amount": 20_000, "tax_mode": "excluded",
                "receipt_id": self.receipt_id(tag)}

    @cached_property
    def advisor(self):
        """Staff of a 商工会 of the business's area."""
        from tests.supportplans.helpers import area_institution

        return institution_staff(area_institution(self.business))

    @cached_property
    def form4_draft(self):
        """A complete 持続化 draft without its 様式4 (saved, not through complete_draft)."""
        from applications import services as application_services
        from tests.applications.helpers import COMPLETE_JIZOKUKA

        draft = start_draft(self.prime, subsidy_round=SubsidyRoundFactory())
        return application_services.application_save_draft(actor=self.prime, application_id=draft.pk,
                                                           content=dict(COMPLETE_JIZOKUKA), confirm_all=True)

    @cached_property
    def plan_request(self):
        """The 様式4 request of `form4_draft` to the advisor's institution, with a comment."""
        from supportplans import services as plan_services
        from tests.supportplans.helpers import requested

        request = requested(self.prime, self.form4_draft, institution=self.advisor.institution)
        plan_services.support_plan_comment(actor=self.advisor, request_id=request.pk, body="売上計画の根拠を追記してください。")
        return request

    @cached_property
    def taken_up(self):
        from supportplans import services as plan_services

        plan_services.support_plan_take_up(actor=self.advisor, request_id=self.plan_request.pk)
        return self.plan_request

    @cached_property
    def document(self):
        return uploaded_document(self.prime, tag="schema")

    @cached_property
    def partner_key(self) -> str:
        return partner()[1]

    def published(self) -> None:
        """Rows of the public lists: an adopted case, a certified procedure with the opt-in,
        an institution, a program, a case study."""
        ApplicationFactory(adopted=True, support_institution=InstitutionFactory())
        ApplicationFactory(business=BusinessFactory(), program=Program.KEIEIRYOKU_KOJO, status=Application.Status.CERTIFIED,
                           certified_on=dt.date(2024, 5, 1), data_use_consent=True)
        SupportProgramFactory()
        CaseStudyFactory()

    def client(self, who: str | None, headers: dict[str, str]) -> APIClient:
        client = APIClient(headers=headers)
        if who == "partner":
            client.credentials(HTTP_AUTHORIZATION=f"Partner {self.partner_key}")
        elif who is not None:
            mfa_login(client, getattr(self, who))
        return client


def _number(w: World) -> str:
    return w.business.corporate_number


# (METHOD, path template of /api/schema/) → the calls that exercise it. A new endpoint
# needs an entry here: the test below names the missing ones.
CALLS: dict[tuple[str, str], Callable[[World], list[Call]]] = {
    ("GET", "/api/v1/policy"): lambda w: [Call(None, "GET", "/api/v1/policy")],
    ("GET", "/api/v1/corporate-numbers/{number}"): lambda w: [
        Call(None, "GET", f"/api/v1/corporate-numbers/{_number(w)}"),
        Call(None, "GET", "/api/v1/corporate-numbers/1234567890123", status=400),
        Call(None, "GET", "/api/v1/corporate-numbers/12", status=400)],
    ("GET", "/api/v1/me"): lambda w: [Call("prime", "GET", "/api/v1/me"), Call("soloist", "GET", "/api/v1/me"),
                                      Call("staff", "GET", "/api/v1/me"),
                                      Call("researcher", "GET", "/api/v1/me")],
    ("GET", "/api/v1/consent"): lambda w: [Call("prime", "GET", "/api/v1/consent")],
    ("PUT", "/api/v1/consent"): lambda w: [Call("prime", "PUT", "/api/v1/consent", {
        "denied": [{"data_class": FINANCIALS, "recipient": SUPPORT_INSTITUTIONS}]})],
    ("GET", "/api/v1/consent/decision"): lambda w: [Call(
        "prime", "GET", f"/api/v1/consent/decision?company={_number(w)}&purpose={PURPOSE_CONSULTATION}"
                        f"&data_class={FINANCIALS}&recipient={SUPPORT_INSTITUTIONS}")],
    ("POST", "/api/v1/disclosure-requests"): lambda w: [Call("staff", "POST", "/api/v1/disclosure-requests", {
        "corporate_number": _number(w), "purpose": PURPOSE_CONSULTATION, "data_classes": [IDENTITY, FINANCIALS],
        "valid_until": (timezone.localdate() + dt.timedelta(days=30)).isoformat(), "message": "相談のため"}, status=201)],
    ("GET", "/api/v1/disclosure-requests"): lambda w: [
        w.approved and Call("staff", "GET", "/api/v1/disclosure-requests"), Call("prime", "GET", "/api/v1/disclosure-requests")],
    ("POST", "/api/v1/disclosure-requests/{id}/decision"): lambda w: [Call(
        "prime", "POST", f"/api/v1/disclosure-requests/{w.pending.pk}/decision", {"decision": "approve", "data_classes": [IDENTITY]})],
    ("POST", "/api/v1/disclosure-requests/{id}/revoke"): lambda w: [
        Call("prime", "POST", f"/api/v1/disclosure-requests/{w.approved.pk}/revoke")],
    ("GET", "/api/v1/companies/{corporate_number}"): lambda w: [
        w.approved and Call("staff", "GET", f"/api/v1/companies/{_number(w)}"),
        Call("prime", "GET", f"/api/v1/companies/{_number(w)}")],
    ("GET", "/api/v1/access-log"): lambda w: [
        w.approved and Call("staff", "GET", f"/api/v1/companies/{_number(w)}"),  # an entry to list
        Call("prime", "GET", "/api/v1/access-log")],
    ("POST", "/api/v1/eligibility/jizokuka"): lambda w: [Call(None, "POST", "/api/v1/eligibility/jizokuka", {
        "industry": "commerce_service", "staff": [{"role": "regular", "count": 3}],
        "previous_adoptions": [{"program": "r1_general", "round": 7}], "target_round": 11})],
    ("GET", "/api/v1/programs"): lambda w: [w.published() or Call(None, "GET", "/api/v1/programs")],
    ("GET", "/api/v1/institutions"): lambda w: [w.published() or Call(None, "GET", "/api/v1/institutions")],
    ("GET", "/api/v1/recommendations"): lambda w: [w.published() or Call("prime", "GET", "/api/v1/recommendations")],
    ("GET", "/api/v1/open-data/adoptions"): lambda w: [
        w.published() or Call(None, "GET", "/api/v1/open-data/adoptions"),
        Call(None, "GET", "/api/v1/open-data/adoptions?format=csv")],
    ("GET", "/api/v1/open-data/certifications"): lambda w: [
        w.published() or Call(None, "GET", "/api/v1/open-data/certifications"),
        Call(None, "GET", "/api/v1/open-data/certifications?format=csv")],
    ("GET", "/api/v1/research/extract"): lambda w: [
        w.published() or Call("researcher", "GET", "/api/v1/research/extract")],
    ("POST", "/api/v1/documents"): lambda w: [
        Call("prime", "POST", "/api/v1/documents", {"file": upload(pdf_bytes("new"), "決算書.pdf"),
                                                    "document_type": "financial_statements"}, format="multipart", status=201)],
    ("GET", "/api/v1/documents"): lambda w: [w.document and Call("prime", "GET", "/api/v1/documents")],
    ("GET", "/api/v1/documents/{id}"): lambda w: [Call("prime", "GET", f"/api/v1/documents/{w.document.pk}")],
    ("GET", "/api/v1/documents/{id}/file"): lambda w: [Call("prime", "GET", f"/api/v1/documents/{w.document.pk}/file")],
    ("GET", "/api/v1/applications"): lambda w: [w.draft and w.awarded and Call("prime", "GET", "/api/v1/applications")],
    ("POST", "/api/v1/applications/{id}/submit"): lambda w: [
        Call("prime", "POST", f"/api/v1/applications/{w.draft.pk}/submit", {"pledge": True})],
    ("GET", "/api/v1/applications/{id}/steps"): lambda w: [
        Call("prime", "GET", f"/api/v1/applications/{w.draft.pk}/steps"),
        Call("prime", "GET", f"/api/v1/applications/{w.awarded.pk}/steps")],
    ("GET", "/api/v1/applications/{id}/award"): lambda w: [
        Call("prime", "GET", f"/api/v1/applications/{w.awarded.pk}/award")],
    ("POST", "/api/v1/applications/{id}/award"): lambda w: [
        Call("prime", "POST", f"/api/v1/applications/{w.adopted.pk}/award", {"tax_mode": "excluded"}, status=201)],
    ("POST", "/api/v1/applications/{id}/award/lines"): lambda w: [
        Call("prime", "POST", f"/api/v1/applications/{w.awarded.pk}/award/lines", w.expense_line("api-line"), status=201)],
    ("POST", "/api/v1/applications/{id}/award/report"): lambda w: [
        Call("prime", "POST", f"/api/v1/applications/{w.awarded.pk}/award/report",
             {"summary": "チラシとポスターを配布した。", "lines": [w.expense_line("api-report")]}, status=201)],
    ("POST", "/api/v1/applications/{id}/award/plan-changes"): lambda w: [
        Call("prime", "POST", f"/api/v1/applications/{w.awarded.pk}/award/plan-changes",
             {"plan": {"advertising": 280_000, "travel": 80_000}, "reason": "展示会を1回増やすため"}, status=201)],
    ("POST", "/api/v1/applications/{id}/award/claim"): lambda w: [
        Call("prime", "POST", f"/api/v1/applications/{w.confirmed.pk}/award/claim")],
    ("GET", "/api/v1/applications/{id}/support-plan-requests"): lambda w: [
        Call("prime", "GET", f"/api/v1/applications/{w.plan_request.application_id}/support-plan-requests")],
    ("POST", "/api/v1/applications/{id}/support-plan-requests"): lambda w: [
        Call("prime", "POST", f"/api/v1/applications/{w.form4_draft.pk}/support-plan-requests", {
            "institution": w.advisor.institution_id, "data_classes": [1, 3, 6, 7, 8, 11],
            "valid_until": (timezone.localdate() + dt.timedelta(days=60)).isoformat(), "message": "様式4をお願いします。"},
            status=201)],
    ("GET", "/api/v1/support-plan-requests/{id}"): lambda w: [
        Call("prime", "GET", f"/api/v1/support-plan-requests/{w.plan_request.pk}")],
    ("POST", "/api/v1/support-plan-requests/{id}/comments"): lambda w: [
        Call("prime", "POST", f"/api/v1/support-plan-requests/{w.plan_request.pk}/comments",
             {"body": "追記しました。", "parent": w.plan_request.comments.first().pk}, status=201)],
    ("POST", "/api/v1/support-plan-requests/{id}/withdraw"): lambda w: [
        Call("prime", "POST", f"/api/v1/support-plan-requests/{w.plan_request.pk}/withdraw")],
    ("GET", "/api/v1/institution/support-plan-requests"): lambda w: [
        w.plan_request and Call("advisor", "GET", "/api/v1/institution/support-plan-requests")],
    ("GET", "/api/v1/institution/support-plan-requests/{id}"): lambda w: [
        Call("advisor", "GET", f"/api/v1/institution/support-plan-requests/{w.plan_request.pk}")],
    ("POST", "/api/v1/institution/support-plan-requests/{id}/take-up"): lambda w: [
        Call("advisor", "POST", f"/api/v1/institution/support-plan-requests/{w.plan_request.pk}/take-up")],
    ("POST", "/api/v1/institution/support-plan-requests/{id}/comments"): lambda w: [
        Call("advisor", "POST", f"/api/v1/institution/support-plan-requests/{w.plan_request.pk}/comments",
             {"body": "経費の見積書を添付してください。", "field": "expenses"}, status=201)],
    ("POST", "/api/v1/institution/support-plan-requests/{id}/issue"): lambda w: [
        Call("advisor", "POST", f"/api/v1/institution/support-plan-requests/{w.taken_up.pk}/issue", FORM4, status=201)],
    ("POST", "/api/v1/institution/support-plan-requests/{id}/decline"): lambda w: [
        Call("advisor", "POST", f"/api/v1/institution/support-plan-requests/{w.plan_request.pk}/decline",
             {"reason": "地区外の事業者のため"})],
    ("POST", "/api/v1/partner/records"): lambda w: [Call("partner", "POST", "/api/v1/partner/records", {
        "records": [financial_record(corporate_number=_number(w))]}, status=201)],
}


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.fixture(autouse=True)
def vault_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "documents": {
        "BACKEND": "documents.storage.PrivateFileSystemStorage", "OPTIONS": {"location": str(tmp_path / "vault")}}}


def _send(world: World, call: Call):
    client = world.client(call.who, call.headers)
    method = getattr(client, call.method.lower())
    if call.body is None:
        return method(call.path)
    if call.format == "multipart":
        return method(call.path, call.body, format="multipart")
    return method(call.path, json.dumps(call.body), content_type="application/json")


def _template(schema, path: str) -> str | None:
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        try:
            return operation_for(schema, method, path)[0]
        except AssertionError:
            continue
    return None


def test_every_api_url_is_in_the_schema(schema):
    served = [url.path for url in walk_urls() if url.path.startswith("/api/v1/")]
    assert [path for path in served if _template(schema, path) is None] == []
    assert {_template(schema, path) for path in served} == set(schema["paths"])


def test_every_operation_documents_its_success_body(schema):
    assert undocumented_success(schema) == []


def test_every_operation_has_a_call_here(schema):
    missing = sorted(set(operations(schema)) - set(CALLS))
    stale = sorted(set(CALLS) - set(operations(schema)))
    assert missing == [], f"endpoints without a call in tests/test_api_responses.py CALLS: {missing}"
    assert stale == [], f"calls for endpoints the schema no longer has: {stale}"


@pytest.mark.parametrize("operation", sorted(CALLS), ids=lambda op: f"{op[0]} {op[1]}")
def test_the_real_response_fits_the_schema(schema, operation):
    world = World()
    calls = [c for c in CALLS[operation](world) if c]
    assert calls
    assert any(operation_for(schema, c.method, c.path) == (operation[1], schema["paths"][operation[1]][operation[0].lower()])
               for c in calls), "no call reaches this operation"
    for call in calls:
        response = _send(world, call)
        assert response.status_code == call.status, (call, response.content[:500])
        assert_matches_schema(schema, call.method, call.path, response)
