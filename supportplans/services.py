"""Writes of the 様式4 (事業支援計画書) flow.

- The applicant (the business's Prime holder) asks a 商工会・商工会議所 of its area for the
  様式4 of a 持続化 draft. That request is a disclosure request for the classes the
  institution needs, purpose 6 (経営相談に際する支援者による閲覧), which the applicant
  approves in the same step with its period: disclosure.services.disclosure_request_offer
  writes the request, its audit rows and the consent.InstitutionGrant. No second
  consent path: the advisor's reads go through the grant like any other.
- The advisor takes the request up, comments (threaded, seen by the applicant, who may
  reply), fills in the 様式4 and issues it: rendered to PDF (core.pdf) and attached to the
  application as a `support_plan` document. Or declines. The applicant may withdraw an
  open request. A withdrawal and a decline both revoke its disclosure at once.
- Every status change goes through core.transitions.transition on a row locked here
  (map in supportplans/transitions.py) and is audited (core.audit.audit_support_plan_status)
  in the same transaction; a refusal changes nothing. Two advisors issuing at once queue
  on the row lock: the second finds it issued and is told so.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, Program
from applications.services import own_application_for_update
from companies.models import Business
from consent.access import PURPOSE_CONSULTATION, SUPPORT_INSTITUTIONS, ConsentContext
from consent.projection import project
from consent.registry import CHALLENGES
from core.audit import (
    audit_data_released,
    audit_support_plan_commented,
    audit_support_plan_status,
)
from core.errors import ApplicationError
from core.input import clean_text
from core.pdf import render_pdf
from core.transitions import transition
from disclosure.models import AccessLogEntry, DisclosureRequest
from disclosure.services import (
    access_log_record,
    disclosure_request_offer,
    disclosure_request_relinquish,
    disclosure_request_revoke,
)
from documents.kinds import DocumentType
from documents.services import document_store_issued
from institutions.models import Institution
from notifications.services import mail_enqueue

from .models import SupportPlanComment, SupportPlanRequest
from .selectors import in_area
from .transitions import OPEN

Status = SupportPlanRequest.Status

# What a 商工会 needs to write the 様式4 (purpose 6 lets recipient 5 receive each of them):
# the applicant's identity (1) and the draft (8) and the conversation (11) always; its
# business (3), financials (6) and management plan (7) unless the applicant unticks them.
REQUIRED_CLASSES = (1, 8, 11)
OPTIONAL_CLASSES = (3, 6, 7)
REQUESTED_CLASSES = tuple(sorted(REQUIRED_CLASSES + OPTIONAL_CLASSES))
MAX_COMMENT = 2000
MAX_FINDINGS = 4000
FORM4_FIELDS = ("advisor_name", "region_findings", "plan_findings", "support_content")
DRAFT_FIELDS = ("plan_title", "content", "requested_amount", "frame", "program", "round_number", "fiscal_year")


def default_valid_until(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) + dt.timedelta(days=90)


def _audit(request: SupportPlanRequest, *, actor, from_status: str) -> None:
    audit_support_plan_status(actor=actor, support_plan=request, business_id=request.business_id,
                              institution_id=request.institution_id, application_id=request.application_id,
                              from_status=from_status, to_status=request.status,
                              disclosure_request_id=request.disclosure_request_id)


def _tell_applicant(request: SupportPlanRequest, *, key: str) -> None:
    """Mail the applicant who asked (a comment, the issue, a refusal), through the outbox."""
    if request.requested_by.is_active:
        mail_enqueue(to_user=request.requested_by, template="form4_updated", category="applications",
                     idempotency_key=f"form4:{request.pk}:{key}",
                     context={"request_id": request.pk, "status": request.status, "institution": request.institution.name})


def _move(request: SupportPlanRequest, *, to: str, actor, fields: list[str] | None = None, reason: str = "") -> None:
    previous = transition(request, to=to, by=actor, reason=reason, fields=fields or [])
    _audit(request, actor=actor, from_status=previous)


# --- the applicant's side --------------------------------------------------------------------


@transaction.atomic
def support_plan_request_create(*, actor, application_id: int, institution_id, data_classes, valid_until,
                                message: str = "") -> SupportPlanRequest:
    """The Prime holder asks a 商工会・商工会議所 of the business's area for the 様式4 of a
    持続化 draft and approves, in the same step, the disclosure it needs (purpose 6)."""
    application = own_application_for_update(actor=actor, application_id=application_id)
    if not getattr(actor, "is_prime", False):
        raise PermissionDenied(_("Only the gBizID Prime holder may ask for the form 4, since it approves a disclosure."))
    if application.program != Program.JIZOKUKA_GENERAL:
        raise ApplicationError(_("The form 4 is asked for from a draft of the small business sustainability subsidy."))
    if application.status not in (Application.Status.DRAFT, Application.Status.RETURNED):
        raise ApplicationError(_("The form 4 is asked for before the application is submitted."))
    existing = (SupportPlanRequest.objects.filter(application=application).exclude(status__in=[Status.DECLINED, Status.WITHDRAWN])
                .select_related("institution").first())
    if existing is not None:
        raise ApplicationError(errors={"institution": [
            _("This application already has a form 4 request to %(institution)s. Withdraw it before asking another institution.")
            % {"institution": existing.institution.name}]})
    institution = None
    if institution_id not in (None, ""):
        try:
            institution = Institution.objects.filter(pk=int(institution_id)).first()
        except (TypeError, ValueError):
            institution = None
    business = Business.objects.get(pk=application.business_id)
    if institution is None or not in_area(institution, business):
        raise ApplicationError(errors={"institution": [
            _("Choose a 商工会 or 商工会議所 of your business's area from the list.")]})
    try:
        classes = sorted({int(c) for c in (data_classes or [])})
    except (TypeError, ValueError):
        raise ApplicationError(errors={"data_classes": [_("Data classes are given by their codes (1 to 13).")]}) from None
    missing = [c for c in REQUIRED_CLASSES if c not in classes]
    outside = [c for c in classes if c not in REQUESTED_CLASSES]
    if missing:
        raise ApplicationError(errors={"data_classes": [
            _("The institution needs your identity, the draft and the conversation to write the form 4; keep them ticked.")]})
    if outside:
        raise ApplicationError(errors={"data_classes": [_("Only the classes listed may be disclosed for the form 4.")]})
    message = clean_text(message, field="message", max_length=MAX_COMMENT).strip()
    disclosure = disclosure_request_offer(
        actor=actor, institution_id=institution.pk, purpose=PURPOSE_CONSULTATION, data_classes=classes,
        valid_until=valid_until, message=message or _("Request for the business support plan (form 4)"),
    )
    request = SupportPlanRequest.objects.create(
        application=application, business=business, institution=institution, disclosure_request=disclosure,
        requested_by=actor, message=message,
    )
    _audit(request, actor=actor, from_status="")
    from accounts.models import User

    for staff in User.objects.filter(kind=User.Kind.INSTITUTION_STAFF, institution=institution, is_active=True).order_by("pk"):
        mail_enqueue(to_user=staff, template="form4_requested", category="", idempotency_key=f"form4:{request.pk}:requested:{staff.pk}",
                     context={"request_id": request.pk, "institution": institution.name})
    return request


def _applicant_request_for_update(*, actor, request_id: int) -> SupportPlanRequest:
    m = actor.membership_or_none if getattr(actor, "is_authenticated", False) else None
    if m is None or m.account_type == "entry":
        raise Http404
    request = SupportPlanRequest.objects.select_for_update().filter(pk=request_id, business_id=m.business_id).first()
    if request is None:
        raise Http404
    return request


@transaction.atomic
def support_plan_withdraw(*, actor, request_id: int) -> SupportPlanRequest:
    """The Prime holder withdraws an open request; the disclosure it approved ends at once."""
    request = _applicant_request_for_update(actor=actor, request_id=request_id)
    if not getattr(actor, "is_prime", False):
        raise PermissionDenied(_("Only the gBizID Prime holder may withdraw the request."))
    if request.status == Status.ISSUED:
        raise ApplicationError(_("This form 4 has already been issued; it can no longer be withdrawn."))
    request.closed_at = timezone.now()
    _move(request, to=Status.WITHDRAWN, actor=actor, fields=["closed_at"])
    disclosure = DisclosureRequest.objects.filter(pk=request.disclosure_request_id).first()
    if disclosure is not None and disclosure.status == DisclosureRequest.Status.APPROVED:
        disclosure_request_revoke(actor=actor, request_id=disclosure.pk)
    return request


# --- comments (both sides) -------------------------------------------------------------------


def _clean_comment(body) -> str:
    text = clean_text(body, field="body", max_length=MAX_COMMENT).strip()
    if not text:
        raise ApplicationError(errors={"body": [_("Write the comment.")]})
    return text


def _parent_of(request: SupportPlanRequest, parent_id) -> SupportPlanComment | None:
    if parent_id in (None, ""):
        return None
    try:
        parent = SupportPlanComment.objects.filter(pk=int(parent_id), request=request).first()
    except (TypeError, ValueError):
        parent = None
    if parent is None:
        raise ApplicationError(errors={"parent": [_("The comment you reply to is not part of this request.")]})
    return parent


def _comment(request: SupportPlanRequest, *, actor, side: str, body, parent_id, field: str) -> SupportPlanComment:
    if request.status not in OPEN:
        raise ApplicationError(_("This request is closed; no more comments can be added."))
    text = _clean_comment(body)
    parent = _parent_of(request, parent_id)
    comment = SupportPlanComment.objects.create(request=request, parent=parent, author=actor, author_side=side,
                                                field=clean_text(field or "", field="field", max_length=60), body=text)
    audit_support_plan_commented(actor=actor, comment=comment, business_id=request.business_id,
                                 institution_id=request.institution_id, support_plan_id=request.pk, side=side,
                                 reply_to=parent.pk if parent else None)
    return comment


@transaction.atomic
def support_plan_reply(*, actor, request_id: int, body, parent_id=None, field: str = "") -> SupportPlanComment:
    """The applicant comments or replies; a request the advisor commented on goes back to
    the advisor (commented → in_review)."""
    request = _applicant_request_for_update(actor=actor, request_id=request_id)
    m = actor.membership_or_none
    if not (m.account_type == "prime" or (m.account_type == "member" and m.can_draft_applications)):
        raise PermissionDenied(_("Your account may not write on this application."))
    comment = _comment(request, actor=actor, side=SupportPlanComment.Author.APPLICANT, body=body, parent_id=parent_id, field=field)
    if request.status == Status.COMMENTED:
        _move(request, to=Status.IN_REVIEW, actor=actor, reason="reply")
    return comment


# --- the advisor's side ----------------------------------------------------------------------


def _advisor_request_for_update(*, actor, request_id: int) -> SupportPlanRequest:
    """Fetch-and-authorise: the request must be made to the advisor's own institution and
    the business's approval must still be in force (revoked or expired: 404, like absent)."""
    if not getattr(actor, "is_institution_staff", False):
        raise PermissionDenied
    request = (SupportPlanRequest.objects.select_for_update(of=("self",)).select_related("disclosure_request")
               .filter(pk=request_id, institution_id=actor.institution_id).first())
    if request is None or not request.disclosure_request.is_in_force:
        raise Http404
    return request


@transaction.atomic
def support_plan_take_up(*, actor, request_id: int) -> SupportPlanRequest:
    """The advisor takes the request up (requested → in_review)."""
    request = _advisor_request_for_update(actor=actor, request_id=request_id)
    _move(request, to=Status.IN_REVIEW, actor=actor)
    return request


def conversation_released(request: SupportPlanRequest, *, viewer, context: ConsentContext | None = None) -> bool:
    """Whether the conversation (class 11) of this request is the advisor's to read and
    join: approved for the request and allowed by the business's consent today."""
    if CHALLENGES not in request.disclosure_request.approved_data_classes:
        return False
    context = context or ConsentContext([request.business_id], institution_id=viewer.institution_id)
    return context.decide(request.business_id, purpose=PURPOSE_CONSULTATION, data_class=CHALLENGES,
                          recipient=SUPPORT_INSTITUTIONS, viewer=viewer).allowed


@transaction.atomic
def support_plan_comment(*, actor, request_id: int, body, parent_id=None, field: str = "") -> SupportPlanComment:
    """The advisor comments on the draft; the request waits for the applicant (→ commented).
    Only where the conversation is released to the institution (a thread it cannot read
    is not one it may write in)."""
    request = _advisor_request_for_update(actor=actor, request_id=request_id)
    if not conversation_released(request, viewer=actor):
        raise PermissionDenied(_("The business does not share the conversation about this request with your institution."))
    comment = _comment(request, actor=actor, side=SupportPlanComment.Author.ADVISOR, body=body, parent_id=parent_id, field=field)
    if request.status != Status.COMMENTED:
        _move(request, to=Status.COMMENTED, actor=actor, reason="comment")
    _tell_applicant(request, key=f"comment:{comment.pk}")
    return comment


def _form4_values(values: dict, *, complete: bool) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name in FORM4_FIELDS:
        limit = 100 if name == "advisor_name" else MAX_FINDINGS
        try:
            cleaned[name] = clean_text(values.get(name) or "", field=name, max_length=limit).strip()
        except ApplicationError as exc:
            for field_name, messages in exc.errors.items():
                errors.setdefault(field_name, []).extend(messages)
            continue
        if complete and not cleaned[name]:
            errors[name] = [_("Fill in this item of the form 4 before issuing it.")]
    if errors:
        raise ApplicationError(errors=errors)
    return cleaned


@transaction.atomic
def support_plan_save(*, actor, request_id: int, values: dict) -> SupportPlanRequest:
    """The advisor saves the 様式4 as far as written (no status change)."""
    request = _advisor_request_for_update(actor=actor, request_id=request_id)
    if request.status not in OPEN:
        raise ApplicationError(_("This request is closed; the form 4 can no longer be changed."))
    for name, value in _form4_values(values, complete=False).items():
        setattr(request, name, value)
    request.save(update_fields=[*FORM4_FIELDS, "updated_at"])
    return request


def form4_pdf(request: SupportPlanRequest, *, application: Application, business: Business, issued_at) -> bytes:
    """The issued 様式4 as a PDF (Japanese whatever the viewer's language: the call's form)."""
    return render_pdf("supportplans/pdf/form4.html", {
        "request": request, "institution": request.institution, "business_name": business.name,
        "representative": business.representative_name, "plan_title": application.plan_title,
        "issued_on": timezone.localtime(issued_at).date(), "program": "小規模事業者持続化補助金＜一般型＞",
        "round_number": application.round_number,
    })


@transaction.atomic
def support_plan_issue(*, actor, request_id: int, values: dict) -> SupportPlanRequest:
    """The advisor issues the 様式4: every item filled in, the request taken up (in review
    or commented), the application still a draft. Its PDF goes to the business's vault,
    attached to the application."""
    request = _advisor_request_for_update(actor=actor, request_id=request_id)
    if request.status == Status.ISSUED:
        raise ApplicationError(_("This form 4 has already been issued (by another session or person). Nothing was changed."))
    if request.status == Status.REQUESTED:
        raise ApplicationError(_("Take the request up and read the draft before issuing the form 4."))
    cleaned = _form4_values(values, complete=True)
    application = Application.objects.select_for_update().get(pk=request.application_id)
    if application.status not in (Application.Status.DRAFT, Application.Status.RETURNED):
        raise ApplicationError(_("The application is no longer a draft; the form 4 cannot be attached to it."))
    for name, value in cleaned.items():
        setattr(request, name, value)
    now = timezone.now()
    business = Business.objects.get(pk=request.business_id)
    pdf = form4_pdf(request, application=application, business=business, issued_at=now)
    document = document_store_issued(
        actor=actor, business_id=request.business_id, application_id=application.pk, document_type=DocumentType.SUPPORT_PLAN,
        name=f"様式4_事業支援計画書_{request.institution.name}_{timezone.localtime(now):%Y%m%d}.pdf", content=pdf,
        issued_on=timezone.localtime(now).date(),
    )
    request.issued_at, request.issued_by, request.document = now, actor, document
    _move(request, to=Status.ISSUED, actor=actor, fields=[*FORM4_FIELDS, "issued_at", "issued_by", "document"])
    _tell_applicant(request, key="issued")
    return request


@transaction.atomic
def support_plan_decline(*, actor, request_id: int, reason) -> SupportPlanRequest:
    request = _advisor_request_for_update(actor=actor, request_id=request_id)
    text = clean_text(reason, field="decline_reason", max_length=MAX_COMMENT).strip()
    if not text:
        raise ApplicationError(errors={"decline_reason": [_("Tell the applicant why the form 4 is declined.")]})
    request.decline_reason, request.closed_at = text, timezone.now()
    _move(request, to=Status.DECLINED, actor=actor, fields=["decline_reason", "closed_at"])
    # Like a withdrawal, a decline ends the disclosure the applicant approved for this
    # request at once, in the same transaction: the institution keeps no access to the
    # business's data for a 様式4 it will not write.
    disclosure_request_relinquish(actor=actor, request_id=request.disclosure_request_id, reason="declined")
    _tell_applicant(request, key="declined")
    return request


# --- the advisor's read of the draft ---------------------------------------------------------


@transaction.atomic
def support_plan_draft_release(*, viewer, request_id: int, channel: str = AccessLogEntry.Channel.PAGE) -> dict:
    """What the advisor sees of the draft: the application's plan and content and the
    business's name, through consent.projection for purpose 6 limited to the classes the
    business approved for this request (and its narrowings). The read is written to the
    audit log and the business's access log. 404 when the approval has ended."""
    if not getattr(viewer, "is_institution_staff", False):
        raise PermissionDenied
    request = (SupportPlanRequest.objects.select_related("disclosure_request", "application", "business", "institution")
               .filter(pk=request_id, institution_id=viewer.institution_id).first())
    if request is None or not request.disclosure_request.is_in_force:
        raise Http404
    approved = list(request.disclosure_request.approved_data_classes)
    context = ConsentContext([request.business_id], institution_id=viewer.institution_id)
    draft = project(request.application, viewer=viewer, purpose=PURPOSE_CONSULTATION, context=context,
                    fields=[f for f in DRAFT_FIELDS], only_classes=approved)
    business = project(request.business, viewer=viewer, purpose=PURPOSE_CONSULTATION, context=context,
                       fields=["name", "prefecture", "municipality", "representative_name"], only_classes=approved)
    released = sorted(draft.released_classes | business.released_classes)
    if released:
        event = audit_data_released(actor=viewer, business_id=request.business_id, purpose=PURPOSE_CONSULTATION,
                                    data_classes=released, recipient=SUPPORT_INSTITUTIONS,
                                    policy_version=context.table.version, channel=channel,
                                    institution_id=viewer.institution_id)
        access_log_record(viewer=viewer, business_id=request.business_id, purpose=PURPOSE_CONSULTATION,
                          data_classes=released, channel=channel, audit_event_id=event.pk)
    conversation = conversation_released(request, viewer=viewer, context=context)
    return {"request": request, "draft": draft.data, "business": business.data, "released_classes": released,
            "withheld": sorted({d.path.split(".")[-1] for d in draft.dropped if d.data_class is not None}),
            "conversation": conversation}
