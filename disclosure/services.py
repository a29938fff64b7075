"""Writes of the disclosure flow: requests, decisions, revocation, expiry, blocks and the
release of a company's data to a support institution (with its access-log entry).

Security reasoning, in one place:

- A support institution never learns from a response whether an unapproved company
  exists. A request for a 法人番号 that belongs to no registered business, or to a business
  that has blocked the institution, is accepted and stored exactly like any other
  (201, "pending"); nobody is told, and it lapses ("expired") on its validity date like a
  request the company left unanswered. The abuse caps count these rows too, keyed on what
  the institution itself supplied (the number typed, or the anonymised row chosen), so a
  cap reached or not reached says nothing about existence either.
- The approval is a consent.InstitutionGrant (consent.services writes it and its audit
  row). Reading the data asks consent.access again (defence in depth): the grant in force
  *and* the company's narrowings decide, so a narrowing after approval wins.
- Status changes go through core.transitions.transition (the map is in
  disclosure/transitions.py), on a row locked with select_for_update.
- Every release writes an AccessLogEntry and an audit_data_released row in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from companies.models import Business
from companies.validators import is_valid_corporate_number
from consent.access import SUPPORT_INSTITUTIONS, ConsentContext, policy_table
from consent.registry import IDENTITY
from consent.services import institution_grant_create, institution_grant_revoke
from core.audit import (
    audit_data_released,
    audit_disclosure_ended,
    audit_disclosure_rejected,
    audit_disclosure_requested,
    audit_institution_blocked,
    audit_institution_unblocked,
)
from core.errors import ApplicationError
from core.transitions import transition
from notifications.services import mail_enqueue

from .handles import read_handle
from .labels import class_names, purpose_name
from .models import AccessLogEntry, DisclosureRequest, InstitutionBlock

Status = DisclosureRequest.Status


def max_pending_per_institution() -> int:
    return int(getattr(settings, "DISCLOSURE_MAX_PENDING_PER_INSTITUTION", 100))


def max_requests_per_company_per_month() -> int:
    return int(getattr(settings, "DISCLOSURE_MAX_REQUESTS_PER_COMPANY_PER_MONTH", 3))


def max_validity_days() -> int:
    return int(getattr(settings, "DISCLOSURE_MAX_VALIDITY_DAYS", 365))


def requestable_purposes(on: dt.date | None = None) -> list[int]:
    """Purposes of the policy in force that list support institutions (recipient 5)."""
    table = policy_table(on)
    return sorted(p for p, (_classes, recipients) in table.purposes.items() if SUPPORT_INSTITUTIONS in recipients)


def requestable_classes(purpose: int, on: dt.date | None = None) -> list[int]:
    table = policy_table(on)
    return sorted(c for c in range(1, 14) if table.allows(purpose, c, SUPPORT_INSTITUTIONS))


def _transition_dated(request: DisclosureRequest, to: str, *, actor=None) -> None:
    """Move a locked request to `to` through core.transitions, dating the decision or
    the closing in the same save."""
    now = timezone.now()
    fields: list[str] = []
    if to in (Status.APPROVED, Status.REJECTED):
        request.decided_at, request.decided_by = now, actor if getattr(actor, "is_authenticated", False) else None
        fields += ["decided_at", "decided_by"]
    if to in (Status.REJECTED, Status.REVOKED, Status.EXPIRED):
        request.closed_at = now
        fields.append("closed_at")
    transition(request, to=to, by=actor, fields=fields)


def _prime_holder(business_id: int | None):
    if business_id is None:
        return None
    membership = (
        Membership.objects.filter(business_id=business_id, account_type=Membership.AccountType.PRIME)
        .select_related("user").first()
    )
    return membership.user if membership is not None and membership.user.is_active else None


def _mail_context(request: DisclosureRequest) -> dict:
    return {
        "request_id": request.pk,
        "status": request.status,
        "institution": request.institution.name,
        "requested_by": request.requested_by.full_name or request.requested_by.email,
        "purpose": request.purpose,
        "data_classes": list(request.data_classes),
        "approved_data_classes": list(request.approved_data_classes),
        "valid_until": request.valid_until.isoformat(),
        "message": request.message,
    }


def _validate_request_input(*, purpose, data_classes, valid_until, today: dt.date) -> tuple[int, list[int]]:
    errors: dict[str, list[str]] = {}
    purposes = requestable_purposes(today)
    try:
        purpose = int(purpose)
    except (TypeError, ValueError):
        purpose = None
    if purpose not in purposes:
        errors["purpose"] = [_("Choose a purpose for which the policy lets support institutions receive data.")]
    classes: list[int] = []
    try:
        classes = sorted({int(c) for c in (data_classes or [])})
    except (TypeError, ValueError):
        errors["data_classes"] = [_("Data classes are given by their codes (1 to 13).")]
    if "data_classes" not in errors:
        if not classes:
            errors["data_classes"] = [_("Choose at least one data class.")]
        elif purpose in purposes:
            allowed = set(requestable_classes(purpose, today))
            outside = [c for c in classes if c not in allowed]
            if outside:
                errors["data_classes"] = [
                    _("The policy does not let support institutions receive these classes for this purpose: %(classes)s.")
                    % {"classes": ", ".join(str(c) for c in outside)}
                ]
    if not isinstance(valid_until, dt.date):
        errors["valid_until"] = [_("Give the last day of validity as a date (YYYY-MM-DD).")]
    elif valid_until <= today:
        errors["valid_until"] = [_("The last day of validity must be after today.")]
    elif valid_until > today + dt.timedelta(days=max_validity_days()):
        errors["valid_until"] = [
            _("An approval may last at most %(days)s days.") % {"days": max_validity_days()}
        ]
    if errors:
        raise ApplicationError(errors=errors)
    return purpose, classes


@transaction.atomic
def disclosure_request_create(
    *,
    actor,
    purpose: int,
    data_classes: list[int],
    valid_until: dt.date,
    message: str = "",
    corporate_number: str | None = None,
    handle: str | None = None,
    on: dt.date | None = None,
) -> DisclosureRequest:
    """A support institution asks a company for its data: by a 法人番号 it knows, or by the
    handle of a row of the anonymised list. See the module docstring for why an unknown
    number is accepted like a known one."""
    if not getattr(actor, "is_institution_staff", False):
        raise PermissionDenied
    today = on or timezone.localdate()
    institution_id = actor.institution_id
    business: Business | None = None
    if handle:
        business_id = read_handle(handle, institution_id=institution_id)
        business = Business.objects.filter(pk=business_id).first() if business_id else None
        if business is None:
            raise ApplicationError(errors={"company": [_("This list entry is no longer valid. Please search again.")]})
        via, number = DisclosureRequest.Via.LIST, ""
    else:
        number = (corporate_number or "").strip()
        if not (len(number) == 13 and number.isdigit() and is_valid_corporate_number(number)):
            raise ApplicationError(errors={"corporate_number": [_("Enter a valid 13-digit corporate number.")]})
        business = Business.objects.filter(corporate_number=number).first()
        via = DisclosureRequest.Via.NUMBER
    purpose, classes = _validate_request_input(purpose=purpose, data_classes=data_classes, valid_until=valid_until, today=today)

    # Abuse limits. Serialise an institution's requests so that two at once cannot both
    # slip under a cap.
    from institutions.models import Institution

    Institution.objects.select_for_update().filter(pk=institution_id).first()
    pending = DisclosureRequest.objects.filter(institution_id=institution_id, status=Status.PENDING).count()
    if pending >= max_pending_per_institution():
        raise ApplicationError(errors={"non_field_errors": [
            _("Your institution has %(count)s requests awaiting an answer, the most allowed. Wait for answers before sending more.")
            % {"count": pending}
        ]})
    since = timezone.now() - dt.timedelta(days=30)
    same_target = Q(via=via) & (Q(corporate_number=number) if via == DisclosureRequest.Via.NUMBER else Q(business=business))
    recent = DisclosureRequest.objects.filter(same_target, institution_id=institution_id, created_at__gte=since).count()
    if recent >= max_requests_per_company_per_month():
        raise ApplicationError(errors={"non_field_errors": [
            _("Your institution may send at most %(limit)s requests to one company in 30 days.")
            % {"limit": max_requests_per_company_per_month()}
        ]})

    hidden = business is not None and InstitutionBlock.objects.filter(business=business, institution_id=institution_id).exists()
    request = DisclosureRequest.objects.create(
        institution_id=institution_id, requested_by=actor, via=via, corporate_number=number, business=business,
        hidden=hidden, purpose=purpose, data_classes=classes, valid_until=valid_until, message=message.strip(),
    )
    audit_disclosure_requested(actor=actor, request=request, business_id=business.pk if business else None,
                               institution_id=institution_id, purpose=purpose, data_classes=classes,
                               valid_until=valid_until, via=via, delivered=business is not None and not hidden)
    if business is not None and not hidden:
        prime = _prime_holder(business.pk)
        if prime is not None:
            mail_enqueue(to_user=prime, template="disclosure_requested", context=_mail_context(request),
                         idempotency_key=f"disclosure:{request.pk}:requested:{prime.pk}", category="disclosure")
    return request


@transaction.atomic
def disclosure_request_offer(
    *,
    actor,
    institution_id: int,
    purpose: int,
    data_classes: list[int],
    valid_until: dt.date,
    message: str = "",
    on: dt.date | None = None,
) -> DisclosureRequest:
    """The business's Prime holder asks a support institution for a service that needs
    its data (the 様式4 of supportplans) and, in the same step, approves the disclosure of
    these classes for this purpose until `valid_until`. The same request row, checks,
    audit rows and InstitutionGrant as a request the institution made and the business
    approved; only the side that asked differs (via "applicant")."""
    if not getattr(actor, "is_prime", False):
        raise PermissionDenied(_("Only the gBizID Prime holder may approve a disclosure."))
    from institutions.models import Institution

    today = on or timezone.localdate()
    institution = Institution.objects.filter(pk=institution_id, is_active=True).first()
    if institution is None:
        raise ApplicationError(errors={"institution": [_("Choose a support institution from the list.")]})
    business = Business.objects.get(pk=actor.membership_or_none.business_id)
    purpose, classes = _validate_request_input(purpose=purpose, data_classes=data_classes, valid_until=valid_until, today=today)
    request = DisclosureRequest.objects.create(
        institution=institution, requested_by=actor, via=DisclosureRequest.Via.APPLICANT,
        corporate_number=business.corporate_number or "", business=business, hidden=False, purpose=purpose,
        data_classes=classes, valid_until=valid_until, message=message.strip(),
    )
    audit_disclosure_requested(actor=actor, request=request, business_id=business.pk, institution_id=institution.pk,
                               purpose=purpose, data_classes=classes, valid_until=valid_until,
                               via=DisclosureRequest.Via.APPLICANT, delivered=True)
    _transition_dated(request, Status.APPROVED, actor=actor)
    request.approved_data_classes = classes
    request.save(update_fields=["approved_data_classes", "updated_at"])
    institution_grant_create(actor=actor, business=business, institution=institution, purpose=purpose,
                             data_classes=classes, valid_from=today, valid_until=valid_until,
                             disclosure_request_id=request.pk)
    return request


def _locked_request_for_business(*, actor, request_id: int) -> DisclosureRequest:
    """Fetch-and-authorise for the company's side: 404 for absent and not-yours alike,
    403 for a known caller of the business who is not its Prime holder."""
    if not getattr(actor, "is_business_user", False):
        raise PermissionDenied
    membership = actor.membership_or_none
    request = (
        DisclosureRequest.objects.select_for_update()
        .filter(pk=request_id, business_id=membership.business_id, hidden=False)
        .first()
    )
    if request is None:
        raise Http404
    if membership.account_type != Membership.AccountType.PRIME:
        raise PermissionDenied
    return request


@transaction.atomic
def disclosure_request_decide(
    *, actor, request_id: int, decision: str, data_classes: list[int] | None = None, on: dt.date | None = None
) -> DisclosureRequest:
    """The Prime holder approves all or some of the requested classes, or rejects."""
    request = _locked_request_for_business(actor=actor, request_id=request_id)
    today = on or timezone.localdate()
    if decision not in ("approve", "reject"):
        raise ApplicationError(errors={"decision": [_("The decision is \"approve\" or \"reject\".")]})
    if request.status == Status.PENDING and request.valid_until < today:
        raise ApplicationError(errors={"non_field_errors": [_("This request has lapsed; it can no longer be answered.")]})
    if decision == "reject":
        _transition_dated(request, Status.REJECTED, actor=actor)
        assert request.business_id is not None  # a request the business itself answers is addressed to it
        audit_disclosure_rejected(actor=actor, request=request, business_id=request.business_id,
                                  institution_id=request.institution_id, purpose=request.purpose,
                                  data_classes=list(request.data_classes))
    else:
        if data_classes is None:
            approved = list(request.data_classes)
        else:
            try:
                approved = sorted({int(c) for c in data_classes})
            except (TypeError, ValueError):
                raise ApplicationError(errors={"data_classes": [_("Data classes are given by their codes (1 to 13).")]}) from None
            if not approved:
                raise ApplicationError(errors={"data_classes": [_("Choose at least one class to approve, or reject the request.")]})
            outside = [c for c in approved if c not in request.data_classes]
            if outside:
                raise ApplicationError(errors={"data_classes": [
                    _("Only requested classes can be approved; not requested: %(classes)s.")
                    % {"classes": ", ".join(str(c) for c in outside)}
                ]})
        _transition_dated(request, Status.APPROVED, actor=actor)
        request.approved_data_classes = approved
        request.save(update_fields=["approved_data_classes", "updated_at"])
        assert request.business is not None  # a request the business itself answers is addressed to it
        institution_grant_create(actor=actor, business=request.business, institution=request.institution,
                                 purpose=request.purpose, data_classes=approved, valid_from=today,
                                 valid_until=request.valid_until, disclosure_request_id=request.pk)
    mail_enqueue(to_user=request.requested_by, template="disclosure_decided", context=_mail_context(request),
                 idempotency_key=f"disclosure:{request.pk}:decided", category="disclosure")
    return request


@transaction.atomic
def disclosure_request_revoke(*, actor, request_id: int) -> DisclosureRequest:
    """The Prime holder ends an approval at once."""
    request = _locked_request_for_business(actor=actor, request_id=request_id)
    _transition_dated(request, Status.REVOKED, actor=actor)
    institution_grant_revoke(actor=actor, disclosure_request_id=request.pk, reason="revoked")
    mail_enqueue(to_user=request.requested_by, template="disclosure_revoked", context=_mail_context(request),
                 idempotency_key=f"disclosure:{request.pk}:revoked", category="disclosure")
    return request


@transaction.atomic
def disclosure_request_relinquish(*, actor, request_id: int, reason: str = "declined") -> DisclosureRequest:
    """The institution ends, at once, an approval it was given for a service it will not
    give (a 様式4 it declined): it must not keep reading the business's data for a
    purpose that is over. Only the institution the approval was given to; the same
    revocation, grant end and audit row as the business's own revocation, the audit
    reason saying who ended it."""
    if not getattr(actor, "is_institution_staff", False):
        raise PermissionDenied
    request = (DisclosureRequest.objects.select_for_update()
               .filter(pk=request_id, institution_id=actor.institution_id).first())
    if request is None:
        raise Http404
    if request.status != Status.APPROVED:
        return request  # already ended (revoked, expired): nothing left to end
    _transition_dated(request, Status.REVOKED, actor=actor)
    institution_grant_revoke(actor=actor, disclosure_request_id=request.pk, reason=reason)
    return request


@transaction.atomic
def disclosure_request_expire(*, request_id: int, on: dt.date | None = None) -> bool:
    """Close one request whose validity has ended: an approval (its grant is revoked with
    reason "expired"; both sides are told) or a request left unanswered (the institution is
    told). Idempotent: a request already closed, or not yet due, is left alone."""
    today = on or timezone.localdate()
    request = (
        DisclosureRequest.objects.select_for_update(of=("self",))
        .filter(pk=request_id, status__in=[Status.PENDING, Status.APPROVED], valid_until__lt=today)
        .select_related("institution", "requested_by", "business")
        .first()
    )
    if request is None:
        return False
    was_approved = request.status == Status.APPROVED
    _transition_dated(request, Status.EXPIRED)
    context = _mail_context(request)
    if was_approved:
        institution_grant_revoke(actor=None, disclosure_request_id=request.pk, reason="expired")
        prime = _prime_holder(request.business_id)
        if prime is not None:
            mail_enqueue(to_user=prime, template="disclosure_expired", context=context,
                         idempotency_key=f"disclosure:{request.pk}:expired:{prime.pk}", category="disclosure")
    else:
        audit_disclosure_ended(actor=None, obj=request, business_id=request.business_id,
                               institution_id=request.institution_id, disclosure_request_id=request.pk,
                               reason="unanswered")
    mail_enqueue(to_user=request.requested_by, template="disclosure_expired", context=context,
                 idempotency_key=f"disclosure:{request.pk}:expired:{request.requested_by_id}", category="disclosure")
    return True


def disclosure_requests_expire(*, on: dt.date | None = None) -> int:
    """The beat job's body: close every request past its date, one transaction each, so
    that one failure does not hold back the rest and a re-run does nothing twice."""
    today = on or timezone.localdate()
    ids = list(
        DisclosureRequest.objects.filter(status__in=[Status.PENDING, Status.APPROVED], valid_until__lt=today)
        .order_by("pk").values_list("pk", flat=True)
    )
    return sum(1 for request_id in ids if disclosure_request_expire(request_id=request_id, on=today))


@transaction.atomic
def institution_block(*, actor, institution_id: int) -> InstitutionBlock:
    """The Prime holder blocks an institution: its pending requests are rejected, its
    approvals revoked, and its later requests never reach the company."""
    if not getattr(actor, "is_prime", False):
        raise PermissionDenied
    from institutions.models import Institution

    institution = Institution.objects.filter(pk=institution_id).first()
    business_id = actor.membership_or_none.business_id
    if institution is None or not DisclosureRequest.objects.filter(
        institution=institution, business_id=business_id, hidden=False
    ).exists():
        # Only an institution that has asked this company can be blocked from its pages.
        raise Http404
    block, created = InstitutionBlock.objects.get_or_create(business_id=business_id, institution=institution,
                                                            defaults={"created_by": actor})
    if created:
        audit_institution_blocked(actor=actor, business_id=business_id, institution_id=institution.pk, block=block)
        for request in DisclosureRequest.objects.select_for_update().filter(
            institution=institution, business_id=business_id, status__in=[Status.PENDING, Status.APPROVED]
        ):
            if request.status == Status.PENDING:
                disclosure_request_decide(actor=actor, request_id=request.pk, decision="reject")
            else:
                disclosure_request_revoke(actor=actor, request_id=request.pk)
    return block


@transaction.atomic
def institution_unblock(*, actor, institution_id: int) -> None:
    if not getattr(actor, "is_prime", False):
        raise PermissionDenied
    business_id = actor.membership_or_none.business_id
    block = InstitutionBlock.objects.filter(business_id=business_id, institution_id=institution_id).first()
    if block is None:
        raise Http404
    audit_institution_unblocked(actor=actor, business_id=business_id, institution_id=institution_id, block=block)
    block.delete()


@dataclass
class Release:
    """What one read released: the API's body, and labels for the page."""

    corporate_number: str | None
    business_name: str | None
    data_classes: dict[str, dict] = field(default_factory=dict)
    purposes: dict[int, list[int]] = field(default_factory=dict)

    def as_api(self) -> dict:
        return {"corporate_number": self.corporate_number, "data_classes": self.data_classes}


@transaction.atomic
def company_data_release(*, viewer, business_id: int, channel: str) -> Release | None:
    """Release to a support institution's staff member the company's data of the classes
    that an approval in force and the company's consent both allow, and log the read.
    None when nothing is allowed (the caller answers 404, the same as for no company)."""
    from .selectors import company_data

    if not getattr(viewer, "is_institution_staff", False):
        raise PermissionDenied
    today = timezone.localdate()
    requests = list(
        DisclosureRequest.objects.filter(
            institution_id=viewer.institution_id, business_id=business_id, status=Status.APPROVED,
            valid_until__gte=today, hidden=False,
        ).order_by("pk")
    )
    if not requests:
        return None
    context = ConsentContext([business_id], institution_id=viewer.institution_id, on=today)
    purposes: dict[int, set[int]] = {}
    request_of_purpose: dict[int, DisclosureRequest] = {}
    for request in requests:
        allowed = set(context.allowed_classes(business_id, purpose=request.purpose, recipient=SUPPORT_INSTITUTIONS, viewer=viewer))
        classes = allowed & set(request.approved_data_classes)
        if classes:
            purposes.setdefault(request.purpose, set()).update(classes)
            request_of_purpose.setdefault(request.purpose, request)
    # A class is released once, under the first purpose that allows it.
    seen: set[int] = set()
    by_purpose: dict[int, list[int]] = {}
    for purpose in sorted(purposes):
        unseen = sorted(purposes[purpose] - seen)
        if unseen:
            by_purpose[purpose] = unseen
            seen.update(unseen)
    if not by_purpose:
        return None
    business = Business.objects.get(pk=business_id)
    data = company_data(business_id=business_id, classes_by_purpose=by_purpose, viewer=viewer, context=context)
    for purpose, released in by_purpose.items():
        event = audit_data_released(actor=viewer, business_id=business_id, purpose=purpose, data_classes=released,
                                    recipient=SUPPORT_INSTITUTIONS, policy_version=context.table.version,
                                    channel=channel, institution_id=viewer.institution_id)
        AccessLogEntry.objects.create(business_id=business_id, user=viewer, institution_id=viewer.institution_id,
                                      data_classes=released, purpose=purpose, channel=channel,
                                      disclosure_request=request_of_purpose[purpose], audit_event_id=event.pk)
    shows_identity = any(IDENTITY in classes for classes in by_purpose.values())
    return Release(
        corporate_number=business.corporate_number,
        business_name=business.name if shows_identity else None,
        data_classes=data,
        purposes=by_purpose,
    )


def describe(request: DisclosureRequest) -> dict:
    """Display strings of a request (pages and mail), in the active language."""
    return {
        "purpose": purpose_name(request.purpose),
        "data_classes": class_names(request.data_classes),
        "approved_data_classes": class_names(request.approved_data_classes),
    }


def access_log_record(*, viewer, business_id: int, purpose: int, data_classes: list[int], channel: str,
                      audit_event_id: int) -> AccessLogEntry:
    """A read by a support institution that another app released (a document from the
    vault): the business's access log shows it beside the reads of its record. The
    caller has decided consent and written the audit row in this transaction."""
    request = (DisclosureRequest.objects.filter(institution_id=viewer.institution_id, business_id=business_id,
                                                status=Status.APPROVED, purpose=purpose, valid_until__gte=timezone.localdate())
               .order_by("pk").first())
    return AccessLogEntry.objects.create(business_id=business_id, user=viewer, institution_id=viewer.institution_id,
                                         data_classes=sorted(data_classes), purpose=purpose, channel=channel,
                                         disclosure_request=request, audit_event_id=audit_event_id)
