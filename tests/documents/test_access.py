"""Who may receive a file: the business's own users, the agency for what was submitted to
it, a support institution only through an approval in force for the document's own data
class and the business's consent — everyone else a 404. Every read is audited."""

from __future__ import annotations

import pytest
from django.http import Http404

from consent import services as consent_services
from core.models import AuditEvent
from disclosure.models import AccessLogEntry
from documents import services
from tests.applications.factories import SubsidyRoundFactory, business_with_record
from tests.applications.helpers import complete_draft, start_draft
from tests.disclosure.factories import approved_request
from tests.factories import (
    BusinessFactory,
    agency_staff,
    institution_staff,
    member_user,
    prime_user,
    researcher,
)

from .factories import uploaded_document

pytestmark = pytest.mark.django_db


def _reads(document) -> int:
    return AuditEvent.objects.filter(kind=AuditEvent.Kind.DOCUMENT_READ, object_id=str(document.pk)).count()


def test_the_business_reads_its_own_document_and_the_read_is_audited():
    prime = prime_user(BusinessFactory())
    document = uploaded_document(prime)
    assert services.document_read(viewer=prime, document_id=document.pk, channel="page") == document
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.DOCUMENT_READ)
    assert event.business_id == document.business_id and event.actor == prime
    assert event.data == {"data_class": 6, "purpose": 3, "recipient": 7, "channel": "page"}
    assert event.policy_version


def test_a_member_without_the_record_right_cannot_read():
    business = BusinessFactory()
    prime = prime_user(business)
    document = uploaded_document(prime)
    member = member_user(business, can_view_records=False)
    with pytest.raises(Http404):
        services.document_read(viewer=member, document_id=document.pk, channel="page")
    assert _reads(document) == 0


@pytest.mark.parametrize("make_viewer", [
    lambda: prime_user(BusinessFactory()), agency_staff, institution_staff, researcher,
])
def test_strangers_get_404_and_no_audit_row(make_viewer):
    document = uploaded_document(prime_user(BusinessFactory()))
    with pytest.raises(Http404):
        services.document_read(viewer=make_viewer(), document_id=document.pk, channel="api")
    assert _reads(document) == 0


def test_an_unknown_id_is_the_same_404():
    with pytest.raises(Http404):
        services.document_read(viewer=agency_staff(), document_id=10**9, channel="api")


def test_the_agency_reads_documents_of_submitted_applications_only():
    from applications import services as application_services

    prime = prime_user(business_with_record())
    draft = start_draft(prime, subsidy_round=SubsidyRoundFactory())
    document = uploaded_document(prime, attach_to=draft.pk)
    reviewer = agency_staff()
    with pytest.raises(Http404):
        services.document_read(viewer=reviewer, document_id=document.pk, channel="page")
    complete_draft(prime, draft)
    application_services.application_submit(actor=prime, application_id=draft.pk, pledge=True)
    assert services.document_read(viewer=reviewer, document_id=document.pk, channel="page") == document
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.DOCUMENT_READ).data["recipient"] == 2


def test_an_institution_reads_only_the_classes_its_approval_covers():
    request, staff, prime, business = approved_request(classes=(1, 6))
    statements = uploaded_document(prime, tag="fs", document_type="financial_statements")  # class 6
    plan = uploaded_document(prime, tag="plan", document_type="support_plan")  # class 7
    assert services.document_read(viewer=staff, document_id=statements.pk, channel="page") == statements
    with pytest.raises(Http404):
        services.document_read(viewer=staff, document_id=plan.pk, channel="page")
    # Another institution's staff, without an approval: 404.
    with pytest.raises(Http404):
        services.document_read(viewer=institution_staff(), document_id=statements.pk, channel="page")
    entry = AccessLogEntry.objects.get(business=business)
    assert entry.data_classes == [6] and entry.purpose == 6 and entry.institution_id == staff.institution_id
    assert entry.disclosure_request_id == request.pk
    assert _reads(statements) == 1 and _reads(plan) == 0


def test_the_business_s_consent_narrowing_wins_over_an_approval():
    request, staff, prime, business = approved_request(classes=(1, 6))
    statements = uploaded_document(prime, document_type="financial_statements")
    consent_services.consent_deny(actor=prime, business=business, data_class=6, recipient=5)
    with pytest.raises(Http404):
        services.document_read(viewer=staff, document_id=statements.pk, channel="api")
    assert _reads(statements) == 0 and not AccessLogEntry.objects.exists()


def test_a_revoked_approval_ends_reads_at_once():
    from disclosure import services as disclosure_services

    request, staff, prime, business = approved_request(classes=(1, 6))
    statements = uploaded_document(prime)
    assert services.document_read(viewer=staff, document_id=statements.pk, channel="api")
    disclosure_services.disclosure_request_revoke(actor=prime, request_id=request.pk)
    with pytest.raises(Http404):
        services.document_read(viewer=staff, document_id=statements.pk, channel="api")
