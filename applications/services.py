"""Writes of applications: start (pre-filled), save a draft, submit, review, certify,
complete, withdraw.

Every status change goes through core.transitions.transition on a row locked here; the
map, the ApplicationEvent (unique per application and status: a second concurrent
submission fails and rolls back) and the applicant's mail are in applications/transitions.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from companies.models import Business, Source
from companies.selectors import may_edit_record
from companies.services import financial_year_upsert, record_part_update
from core.audit import (
    audit_application_returned,
    audit_application_reviewed,
    audit_application_submitted,
    audit_application_withdrawn,
)
from core.errors import ApplicationError
from core.transitions import transition

from . import jizokuka, rules
from .corrections import correctable_fields
from .models import (
    PROCEDURES,
    Application,
    ApplicationCorrection,
    ApplicationSnapshot,
    Frame,
    Program,
    SubsidyRound,
)
from .prefill import (
    PREFILL_BY_NAME,
    PREFILL_FIELDS,
    PROCEDURE_PREFILL,
    offered_classes,
    record_values,
)

Status = Application.Status
# The applicant may change the content of a draft and of an application returned for correction.
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
RECEIPT_PREFIX: dict[str, str] = {
    Program.JIZOKUKA_GENERAL: "JZ", Program.MONODUKURI: "MN", Program.IT_DONYU: "IT",
    Program.KEIEIRYOKU_KOJO: "KK", Program.JIGYO_KEIZOKU: "JK", Program.KEIEI_KAKUSHIN: "KS",
}


def fiscal_year_of(day: dt.date) -> int:
    """Japanese fiscal year (April to March)."""
    return day.year if day.month >= 4 else day.year - 1


def prefill_names(program: str) -> tuple[str, ...]:
    return PROCEDURE_PREFILL if program in PROCEDURES else tuple(f.name for f in PREFILL_FIELDS)


def may_draft(user) -> bool:
    m = user.membership_or_none if getattr(user, "is_authenticated", False) else None
    return m is not None and (m.account_type == "prime" or (m.account_type == "member" and m.can_draft_applications))


def own_application_for_update(*, actor, application_id: int) -> Application:
    """The actor's business's application, locked for a change (404 for anyone else's or an
    Entry account): fetch-and-authorise in one call, for this app's and the 様式4's services."""
    m = actor.membership_or_none if getattr(actor, "is_authenticated", False) else None
    if m is None or m.account_type == "entry":
        raise Http404
    application = Application.objects.select_for_update().filter(pk=application_id, business_id=m.business_id).first()
    if application is None:
        raise Http404
    return application


@transaction.atomic
def application_start(*, actor, program: str, subsidy_round: SubsidyRound | None, accepted_classes: set[int],
                      frame: Frame | None = None) -> Application:
    """A new draft, pre-filled from the record with the classes the applicant accepted and
    the policy and the business's consent allow.

    Get or create: a second start for the same round (or, for a procedure, while a draft
    of it is open) returns the application already there. The business row is locked
    first, so concurrent starts queue and each later one finds the first one's draft
    (the unique constraints stay as the last line of defence)."""
    if not may_draft(actor):
        raise Http404
    if program not in Program.values:
        raise Http404
    business = Business.objects.select_for_update().get(pk=actor.membership_or_none.business_id)
    is_procedure = program in PROCEDURES
    now = timezone.now()
    if not is_procedure:
        if subsidy_round is None or subsidy_round.program != program:
            raise ApplicationError(errors={"subsidy_round": [_("Choose a round.")]})
        if now > subsidy_round.deadline:
            raise ApplicationError(errors={"subsidy_round": [_("The deadline of this round has passed.")]})
        existing = Application.objects.filter(business=business, subsidy_round=subsidy_round).exclude(status=Status.WITHDRAWN).first()
    else:
        existing = Application.objects.filter(business=business, program=program, subsidy_round__isnull=True,
                                              status=Status.DRAFT).first()
    if existing is not None:
        if existing.status == Status.DRAFT:
            _apply_prefill_choices(existing, actor=actor, accepted_classes=set(accepted_classes))
        return existing
    names = prefill_names(program)
    offered = offered_classes(viewer=actor, business_id=business.pk, field_names=names)
    allowed = {code for code, info in offered.items() if info["allowed"]}
    classes = allowed & set(accepted_classes)
    prefill = record_values(business=business, field_names=names, classes=classes)
    content: dict[str, Any] = {name: info["value"] for name, info in prefill.items()}
    if not is_procedure:
        content["tax_mode"] = "excluded"
        content["expenses"] = []
        if frame is not None and (subsidy_round is None or frame.subsidy_round_id != subsidy_round.pk):
            raise ApplicationError(errors={"frame": [_("Choose a frame of this round.")]})
        content["frame"] = frame.pk if frame is not None else None
    fiscal_year = subsidy_round.fiscal_year if subsidy_round else fiscal_year_of(timezone.localdate())
    return Application.objects.create(
        business=business, program=program, subsidy_round=subsidy_round, frame=frame,
        round_number=subsidy_round.number if subsidy_round else None, fiscal_year=fiscal_year,
        implementation_fiscal_year=fiscal_year, content=content, prefill=prefill,
        declined_classes=sorted(allowed - classes), created_by=actor,
    )


def _apply_prefill_choices(application: Application, *, actor, accepted_classes: set[int]) -> None:
    """The choices made on the start page hold for a draft already open: a class now
    declined has its pre-filled values removed (those the applicant has not changed since),
    a class now accepted fills the fields that are still empty. Nothing typed is lost."""
    names = prefill_names(application.program)
    offered = offered_classes(viewer=actor, business_id=application.business_id, field_names=names)
    allowed = {code for code, info in offered.items() if info["allowed"]}
    classes = allowed & accepted_classes
    content = dict(application.content)
    prefill = dict(application.prefill)
    for name, info in list(prefill.items()):
        if info.get("class") not in classes:
            if content.get(name) == info.get("value"):
                content.pop(name, None)
            prefill.pop(name)
    fresh = record_values(business=application.business, field_names=names, classes=classes)
    for name, info in fresh.items():
        if name not in prefill and content.get(name) in (None, "", []):
            content[name] = info["value"]
            prefill[name] = info
    declined = sorted(allowed - classes)
    if content == application.content and prefill == application.prefill and declined == list(application.declined_classes):
        return
    application.content, application.prefill, application.declined_classes = content, prefill, declined
    application.confirmed_fields = [n for n in application.confirmed_fields if n in prefill]
    application.save(update_fields=["content", "prefill", "declined_classes", "confirmed_fields", "updated_at"])


def _record_value(spec, value):
    field = spec.field
    if field == "representative_birth_date" and isinstance(value, str) and value:
        return dt.date.fromisoformat(value)
    if value is None and field not in {"employees", "capital", "founded_year", "sales", "gross_profit", "operating_profit",
                                       "personnel_cost", "depreciation", "representative_birth_date"}:
        return ""
    return value


def _write_back(*, actor, application: Application, content: dict, names: list[str]) -> dict:
    """Write edited pre-filled values back to the record (the applicant ticked "update my
    record"); returns the new provenance of those fields."""
    if not names:
        return {}
    if not may_edit_record(actor):
        raise ApplicationError(errors={"non_field_errors": [_("Only a user who may edit the business record can update it.")]})
    business = application.business
    detail = _("Application %(id)s") % {"id": application.pk}
    by_part: dict[str, dict] = {}
    updated = {}
    for name in names:
        spec = PREFILL_BY_NAME.get(name)
        if spec is None or not spec.writeback:
            continue
        by_part.setdefault(spec.part, {})[spec.field] = _record_value(spec, content.get(name))
        updated[name] = spec
    for part, values in by_part.items():
        if part == "financials":
            year = content.get("fy_year") or application.prefill.get("fy_year", {}).get("value")
            if not year:
                raise ApplicationError(errors={"fy_year": [_("Enter the fiscal year of these financials.")]})
            financial_year_upsert(actor=actor, business=business, fiscal_year=int(year), values=values,
                                  source=Source.APPLICATION, source_detail=detail)
        else:
            record_part_update(actor=actor, business=business, part=part, values=values,
                               source=Source.APPLICATION, source_detail=detail)
    now = timezone.now().isoformat()
    return {name: {"value": content.get(name), "class": spec.data_class, "source": Source.APPLICATION,
                   "recorded_at": now, "object_id": None} for name, spec in updated.items()}


def _requested_amount(application: Application) -> int:
    """The frame's rate of the expenses, at most its cap (rules.application_terms)."""
    expenses = (application.content or {}).get("expenses") or []
    total = sum(int(line.get("amount") or 0) for line in expenses)
    return rules.application_terms(application).amount(total)


def _frame_of(application: Application, frame_id) -> Frame | None:
    """A frame of the application's own round, or a refusal naming the field."""
    if frame_id in (None, ""):
        return None
    frame = Frame.objects.filter(pk=frame_id, subsidy_round_id=application.subsidy_round_id).first() if application.subsidy_round_id else None
    if frame is None:
        raise ApplicationError(errors={"frame": [_("Choose a frame of this round.")]})
    return frame


@transaction.atomic
def application_save_draft(*, actor, application_id: int, content: dict, confirm_all: bool = False,
                           writeback: list[str] | None = None, client_seq: int | None = None) -> Application:
    """Save the draft as the applicant goes (the form has validated the types).

    `client_seq` orders the saves of one page: a save older than one already stored (a
    slow autosave overtaken by a later save) is refused instead of overwriting it."""
    if not may_draft(actor):
        raise Http404
    application = own_application_for_update(actor=actor, application_id=application_id)
    if application.status not in EDITABLE:
        raise ApplicationError(_("A submitted application cannot be changed."))
    if client_seq is not None:
        if client_seq < int(application.content.get("_seq") or 0):
            raise ApplicationError(_("A newer version of this draft has already been saved."))
        content = {**content, "_seq": client_seq}
    prefill = dict(application.prefill)
    edited = [n for n, info in prefill.items() if n in content and content.get(n) != info.get("value")]
    # Write back only what the applicant changed and asked for.
    changed_back = _write_back(actor=actor, application=application, content=content,
                               names=[n for n in (writeback or []) if n in edited])
    prefill.update(changed_back)
    confirmed = set(application.confirmed_fields) | set(edited)
    if confirm_all:
        confirmed |= set(prefill)
    merged = {**application.content, **content}
    application.content = merged
    application.prefill = prefill
    application.confirmed_fields = sorted(confirmed)
    application.plan_title = (merged.get("plan_title") or "")[:300]
    if not application.is_procedure:
        if "frame" in content:
            application.frame = _frame_of(application, content.get("frame"))
        application.requested_amount = _requested_amount(application)
    else:
        application.data_use_consent = bool(merged.get("data_use_consent"))
    application.save(update_fields=["content", "prefill", "confirmed_fields", "plan_title", "requested_amount",
                                    "data_use_consent", "frame", "updated_at"])
    return application


REQUIRED_FOR_SUBMIT = {
    "company_name": gettext_lazy("Enter the name of the business."),
    "address": gettext_lazy("Enter the address."),
    "representative_name": gettext_lazy("Enter the representative."),
    "phone": gettext_lazy("Enter the phone number."),
    "contact_name": gettext_lazy("Enter the contact person."),
    "plan_title": gettext_lazy("Enter the title."),
}


def submission_errors(application: Application, *, pledge: bool) -> dict[str, list[str]]:
    c = application.content
    errors: dict[str, list[str]] = {}
    for name, message in REQUIRED_FOR_SUBMIT.items():
        if name in prefill_names(application.program) or name == "plan_title":
            if not str(c.get(name) or "").strip():
                errors[name] = [str(message)]
    unconfirmed = [n for n in application.prefill if n not in application.confirmed_fields]
    if unconfirmed:
        errors["confirm_all"] = [_("Please check the items taken from your record and confirm them.")]
    if application.is_procedure:
        if not str(c.get("plan_content") or "").strip():
            errors["plan_content"] = [_("Describe the plan.")]
        return errors
    # Seed 003 §6: the 業務効率化 part alone is not enough; the 販路開拓 part is required.
    if not str(c.get("sales_plan") or "").strip():
        errors["sales_plan"] = [_("Describe the sales channel development. The business efficiency part alone is not enough.")]
    if c.get("employees") in (None, ""):
        errors["employees"] = [_("Enter the number of regularly employed staff.")]
    # Seed 003 §1, §2, §5, §7, §8, §10, §11, §12 and the frames of the round (applications.rules).
    for name, messages in rules.jizokuka_rule_errors(application, on=timezone.localdate()).items():
        errors.setdefault(name, []).extend(messages)
    expenses = [e for e in (c.get("expenses") or []) if e.get("amount")]
    if not expenses:
        errors["expenses"] = [_("Enter at least one expense line.")]
    # Seed 003 §15 収益納付: the question must be answered; "yes" needs the kind of revenue.
    if c.get("revenue_expected") not in ("yes", "no"):
        errors["revenue_expected"] = [_("Answer whether the project directly earns revenue.")]
    elif c.get("revenue_expected") == "yes" and not str(c.get("revenue_description") or "").strip():
        errors["revenue_description"] = [_("Describe the revenue the project earns.")]
    if c.get("bonus_succession") and not str(c.get("successor_name") or "").strip():
        errors["successor_name"] = [_("Name the successor candidate who leads the project.")]
    # The 様式4 (事業支援計画書) issued by a 商工会・商工会議所 of the business's area (supportplans).
    if application.program == Program.JIZOKUKA_GENERAL:
        from supportplans.selectors import submission_errors as support_plan_errors

        errors.update(support_plan_errors(application))
    # Seed 003 §4: the pledge must be given.
    if not pledge:
        errors["pledge"] = [_("You must give the pledge on the exclusion of anti-social forces.")]
    return errors


def _frame_snapshot(application: Application) -> dict | None:
    if application.is_procedure or application.frame is None:
        return None
    terms = rules.application_terms(application)
    return {"kind": application.frame.kind, "rate": f"{terms.rate.numerator}/{terms.rate.denominator}", "cap": terms.cap}


@transaction.atomic
def application_submit(*, actor, application_id: int, pledge: bool) -> Application:
    """Only the Prime holder submits. Deadline, completeness and pledge are checked before
    anything changes; on success an immutable snapshot and a receipt number are stored."""
    application = own_application_for_update(actor=actor, application_id=application_id)
    if not actor.is_prime:
        raise PermissionDenied(_("Only the gBizID Prime holder may submit an application."))
    if application.status not in EDITABLE:
        raise ApplicationError(_("This application has already been submitted."))
    now = timezone.now()
    round_ = application.subsidy_round
    # A correction after 差戻し is submitted again after the round's deadline, as asked.
    if application.status == Status.DRAFT and round_ is not None and now > round_.deadline:
        raise ApplicationError(_("The deadline of this round (%(deadline)s) has passed. The application was not submitted.")
                               % {"deadline": timezone.localtime(round_.deadline).strftime("%Y-%m-%d %H:%M")})
    errors = submission_errors(application, pledge=pledge)
    if errors:
        raise ApplicationError(errors=errors)
    business = application.business
    application.receipt_number = (application.receipt_number
                                  or f"{RECEIPT_PREFIX[application.program]}{application.fiscal_year}-{application.pk:07d}")
    application.submission_count += 1
    application.submitted_at = now
    application.submitted_by = actor
    application.snapshot = {
        "receipt_number": application.receipt_number, "submitted_at": now.isoformat(), "program": application.program,
        "round": application.round_number, "fiscal_year": application.fiscal_year,
        "business": {"id": business.pk, "corporate_number": business.corporate_number, "name": business.name},
        "content": application.content, "prefill": application.prefill, "declined_classes": application.declined_classes,
        "pledge": bool(pledge) if not application.is_procedure else None,
        "pledge_text": jizokuka.PLEDGE_TEXT if not application.is_procedure else "",
        "data_use_consent": application.data_use_consent if application.is_procedure else None,
        "requested_amount": application.requested_amount, "submission": application.submission_count,
        "frame": _frame_snapshot(application),
    }
    transition(application, by=actor, to=Status.SUBMITTED,
               fields=["receipt_number", "submitted_at", "submitted_by", "snapshot", "submission_count"])
    ApplicationSnapshot.objects.create(application=application, number=application.submission_count,
                                       data=application.snapshot, submitted_at=now, submitted_by=actor)
    audit_application_submitted(actor=actor, application=application, business_id=business.pk,
                                program=application.program, round_number=application.round_number,
                                receipt_number=application.receipt_number, submission=application.submission_count)
    return application


def _agency_application_for_update(*, actor, application_id: int) -> Application:
    if not getattr(actor, "is_authenticated", False) or not actor.is_agency_staff:
        raise Http404
    application = Application.objects.select_for_update().filter(pk=application_id).first()
    if application is None:
        raise Http404
    return application


MAX_REASON = 1000


@transaction.atomic
def application_return(*, actor, application_id: int, reasons: dict[str, str]) -> Application:
    """差戻し: the reviewer returns the application for correction with a reason for each
    field concerned. Out of order (not under review) or without a reason: refused, and
    nothing is written."""
    application = _agency_application_for_update(actor=actor, application_id=application_id)
    fields = correctable_fields(application)
    cleaned: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name, reason in reasons.items():
        text = (reason or "").strip()
        if not text:
            continue
        if name not in fields:
            errors.setdefault("reasons", []).append(_("Choose the field the reason is about."))
        elif len(text) > MAX_REASON:
            errors.setdefault("reasons", []).append(_("A reason may be at most %(limit)d characters.") % {"limit": MAX_REASON})
        else:
            cleaned[name] = text
    if not cleaned and not errors:
        errors["reasons"] = [_("Give the reason for at least one field to return the application for correction.")]
    if errors:
        raise ApplicationError(errors=errors)
    transition(application, by=actor, to=Status.RETURNED, reason="; ".join(sorted(cleaned))[:200])
    ApplicationCorrection.objects.create(application=application, cycle=application.submission_count, reasons=cleaned,
                                         returned_by=actor)
    audit_application_returned(actor=actor, application=application, business_id=application.business_id,
                               fields=sorted(cleaned), submission=application.submission_count)
    return application


@transaction.atomic
def application_review_start(*, actor, application_id: int) -> Application:
    application = _agency_application_for_update(actor=actor, application_id=application_id)
    transition(application, by=actor, to=Status.UNDER_REVIEW)
    return application


@transaction.atomic
def application_review_decide(*, actor, application_id: int, score: Decimal, result: str) -> Application:
    """Agency staff enter the review score and result (data class 9, never shown to the applicant)."""
    application = _agency_application_for_update(actor=actor, application_id=application_id)
    if result not in Application.ReviewResult.values:
        raise ApplicationError(errors={"review_result": [_("Choose a result.")]})
    if score is None or score < 0:
        raise ApplicationError(errors={"review_score": [_("Enter a score of zero or more.")]})
    application.review_score = score
    application.review_result = result
    application.reviewed_at = timezone.now()
    if result == Application.ReviewResult.ADOPTED:
        application.granted_amount = application.requested_amount
    transition(application, by=actor, to=Status.ADOPTED if result == "adopted" else Status.NOT_ADOPTED,
               fields=["review_score", "review_result", "reviewed_at", "granted_amount"])
    audit_application_reviewed(actor=actor, application=application, business_id=application.business_id,
                               result="adopted" if result == Application.ReviewResult.ADOPTED else "not_adopted")
    return application


@transaction.atomic
def procedure_certify(*, actor, application_id: int, certified_on: dt.date) -> Application:
    application = _agency_application_for_update(actor=actor, application_id=application_id)
    application.certified_on = certified_on
    transition(application, by=actor, to=Status.CERTIFIED, fields=["certified_on"])
    audit_application_reviewed(actor=actor, application=application, business_id=application.business_id,
                               result="certified")
    return application


@transaction.atomic
def application_complete(*, actor, application_id: int, report: str) -> Application:
    """The completion report of an adopted project (Prime holder)."""
    application = own_application_for_update(actor=actor, application_id=application_id)
    if not actor.is_prime:
        raise PermissionDenied(_("Only the gBizID Prime holder may report completion."))
    if not report.strip():
        raise ApplicationError(errors={"completion_report": [_("Write the completion report.")]})
    application.completion_report = report
    application.completed_at = timezone.now()
    transition(application, by=actor, to=Status.COMPLETED, fields=["completion_report", "completed_at"])
    return application


@transaction.atomic
def application_withdraw(*, actor, application_id: int, reason: str = "") -> Application:
    """The Prime holder withdraws (取下げ) an application before its decision: a draft, or
    one submitted or under review. A withdrawn application keeps its receipt number and
    snapshot; a new application for the same round may then be started."""
    application = own_application_for_update(actor=actor, application_id=application_id)
    if not actor.is_prime:
        raise PermissionDenied(_("Only the gBizID Prime holder may withdraw an application."))
    if application.status == Status.DRAFT and not application.receipt_number:
        # A draft never submitted has nothing to withdraw (and no receipt number to keep).
        raise ApplicationError(_("This draft has not been submitted, so there is nothing to withdraw."))
    previous = transition(application, by=actor, to=Status.WITHDRAWN, reason=reason.strip())
    audit_application_withdrawn(actor=actor, application=application, business_id=application.business_id,
                                from_status=previous, receipt_number=application.receipt_number or "")
    return application
