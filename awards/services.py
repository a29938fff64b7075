"""Writes after adoption: 交付申請, 交付決定, 計画変更 (request and decision), the expense
ledger (経費明細), 実績報告, 確定検査, 精算払請求, payment and 収益納付 reports.

Each step is one service in one transaction: it locks the award (or, for the first step,
the application), checks that the step is the next one — a step out of order, or one that
another browser took a moment ago, is refused with a message that says so and writes
nothing — moves the status through core.transitions and writes its audit event.
Rules of seed 003: §10 lodging per night within its area's cap and no 日当 (applications.rules),
§12 tax-excluded unless the business may book tax-included, §15 the payment back from
profits never more than the grant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import rules
from applications.jizokuka import EXPENSE_CATEGORIES
from applications.models import Application
from applications.services import may_draft
from core.audit import audit_award_ledger_changed, audit_award_step
from core.errors import ApplicationError
from core.input import INT64_MAX, clean_text
from core.transitions import transition
from documents.models import Document
from documents.services import document_attach_evidence

from .models import (
    Award,
    DueDate,
    ExpenseLine,
    PerformanceReport,
    PlanChange,
    ProfitReport,
)

Status = Award.Status
CATEGORY_LABELS = dict(EXPENSE_CATEGORIES)
PROFIT_REPORT_YEARS = 5  # 収益状況報告: the five fiscal years after the project
CLAIM_DAYS = 30  # 精算払請求 within 30 days of the confirmation
MAX_AMOUNT = 10**12
# Evidence of an expense: receipts, quotations, photos (all class 8, the project's content).
EVIDENCE_TYPES = ("receipt", "quotation", "photo")
# The old free-text completion report (applications' "completed") is still an adopted project.
GRANTABLE = (Application.Status.ADOPTED, Application.Status.COMPLETED)


def fiscal_year_of(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def _status_label(status: str) -> str:
    return str(Status(status).label)


def _refuse_out_of_order(award: Award, expected: tuple[str, ...]) -> None:
    """The step is not the next one: it was taken already (maybe from another browser a
    moment ago) or is not reached yet. Nothing is written."""
    if award.status not in expected:
        raise ApplicationError(errors={"non_field_errors": [
            _("This step cannot be taken now: the subsidy is “%(current)s”. It may have been taken from another "
              "window a moment ago; reload the page to see the current state.") % {"current": _status_label(award.status)}]})


# --- who may act -----------------------------------------------------------------------------

def _applicant_business_id(actor) -> int:
    m = actor.membership_or_none if getattr(actor, "is_authenticated", False) else None
    if m is None or m.account_type == "entry":
        raise Http404
    if not may_draft(actor):
        raise PermissionDenied(_("Only the gBizID Prime holder or a member allowed to draft applications may do this."))
    return m.business_id


def _own_award_for_update(*, actor, application_id: int) -> Award:
    business_id = _applicant_business_id(actor)
    award = (Award.objects.select_for_update().select_related("application")
             .filter(application_id=application_id, application__business_id=business_id).first())
    if award is None:
        raise Http404
    return award


def _agency_award_for_update(*, actor, application_id: int) -> Award:
    if not getattr(actor, "is_authenticated", False) or not actor.is_agency_staff:
        raise Http404
    award = Award.objects.select_for_update().select_related("application").filter(application_id=application_id).first()
    if award is None:
        raise Http404
    return award


def _step(actor, award: Award, step: str, from_status: str, to_status: str, amount: int | None = None) -> None:
    audit_award_step(actor=actor, award=award, business_id=award.application.business_id, step=step,
                     from_status=from_status, to_status=to_status, amount=amount)


# --- plan and amounts ------------------------------------------------------------------------

def plan_of_application(application: Application) -> dict[str, int]:
    """{category: planned amount} of the application's expenses (its 経費明細表)."""
    plan: dict[str, int] = {}
    for line in (application.content or {}).get("expenses") or []:
        category = line.get("category")
        if category in CATEGORY_LABELS:
            plan[category] = plan.get(category, 0) + int(line.get("amount") or 0)
    return {k: v for k, v in plan.items() if v > 0}


def _terms(award: Award) -> rules.FrameTerms:
    if award.rate_numerator and award.rate_denominator and award.cap is not None:
        return rules.FrameTerms(Fraction(award.rate_numerator, award.rate_denominator), award.cap)
    return rules.application_terms(award.application)


def _joint(application: Application) -> bool:
    return bool(str((application.content or {}).get("joint_applicants") or "").strip())


def tax_included_allowed(application: Application) -> bool:
    content = application.content or {}
    return rules.tax_included_allowed(content.get("consumption_tax_status"), joint=_joint(application))


def _tax_mode_errors(application: Application, tax_mode: str, field: str = "tax_mode") -> dict[str, list[str]]:
    if tax_mode not in ("excluded", "included"):
        return {field: [_("Choose whether amounts are tax excluded or tax included.")]}
    content = application.content or {}
    errors = rules.tax_mode_errors(tax_mode, content.get("consumption_tax_status"), joint=_joint(application))
    return {field: errors["tax_mode"]} if errors else {}


# --- 交付申請 and 交付決定 --------------------------------------------------------------------------

@transaction.atomic
def grant_request(*, actor, application_id: int, tax_mode: str) -> Award:
    """交付申請 of an adopted application (§12: the tax mode is chosen here once)."""
    business_id = _applicant_business_id(actor)
    application = Application.objects.select_for_update().filter(pk=application_id, business_id=business_id).first()
    if application is None:
        raise Http404
    if Award.objects.filter(application=application).exists():
        raise ApplicationError(errors={"non_field_errors": [
            _("The grant request was already sent (perhaps from another window); reload the page.")]})
    if application.status not in GRANTABLE:
        raise ApplicationError(errors={"non_field_errors": [_("Only an adopted application can request its grant.")]})
    errors = _tax_mode_errors(application, tax_mode)
    plan = plan_of_application(application)
    if not plan:
        errors["plan"] = [_("The application has no planned expenses.")]
    if errors:
        raise ApplicationError(errors=errors)
    terms = rules.application_terms(application)
    award = Award.objects.create(
        application=application, tax_mode=tax_mode, plan=plan, requested_by=actor, requested_at=timezone.now(),
        requested_amount=terms.amount(sum(plan.values())),
        rate_numerator=terms.rate.numerator, rate_denominator=terms.rate.denominator, cap=terms.cap)
    _step(actor, award, "grant_requested", "", Status.REQUESTED, award.requested_amount)
    return award


@transaction.atomic
def grant_decide(*, actor, application_id: int, project_end: dt.date, report_due: dt.date) -> Award:
    """交付決定 by agency staff: the amount is the frame's rate of the planned expenses, at
    most its cap; the 実績報告 is due on `report_due`."""
    award = _agency_award_for_update(actor=actor, application_id=application_id)
    _refuse_out_of_order(award, (Status.REQUESTED,))
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if project_end < today:
        errors["project_end"] = [_("The project cannot end before today.")]
    if report_due < project_end:
        errors["report_due"] = [_("The report cannot be due before the project ends.")]
    if errors:
        raise ApplicationError(errors=errors)
    award.granted_amount = _terms(award).amount(award.planned_total)
    award.granted_at = timezone.now()
    award.project_end = project_end
    transition(award, to=Status.GRANTED, by=actor, reason="交付決定",
               fields=["granted_amount", "granted_at", "project_end"])
    DueDate.objects.create(award=award, step=DueDate.Step.REPORT, due_on=report_due)
    _step(actor, award, "granted", Status.REQUESTED, Status.GRANTED, award.granted_amount)
    return award


# --- 計画変更 -------------------------------------------------------------------------------------

def clean_plan(values: dict[str, Any]) -> dict[str, int]:
    plan: dict[str, int] = {}
    errors: list[str] = []
    for category, raw in values.items():
        if raw in (None, ""):
            continue
        if category not in CATEGORY_LABELS:
            errors.append(_("Choose a category of eligible expenses."))
            continue
        try:
            amount = int(raw)
        except (TypeError, ValueError):
            errors.append(_("Enter amounts in whole yen."))
            continue
        if not 0 <= amount <= MAX_AMOUNT:
            errors.append(_("Enter amounts in whole yen."))
        elif amount:
            plan[category] = amount
    if not plan and not errors:
        errors.append(_("Enter the planned amount of at least one category."))
    if errors:
        raise ApplicationError(errors={"plan": sorted(set(errors))})
    return plan


@transaction.atomic
def plan_change_request(*, actor, application_id: int, plan: dict[str, Any], reason: str) -> PlanChange:
    award = _own_award_for_update(actor=actor, application_id=application_id)
    _refuse_out_of_order(award, (Status.GRANTED,))
    reason = clean_text(reason, field="reason", max_length=2000).strip()
    new_plan = clean_plan(plan)
    if not reason:
        raise ApplicationError(errors={"reason": [_("Give the reason for the change.")]})
    if new_plan == award.plan:
        raise ApplicationError(errors={"plan": [_("The new plan is the same as the current one.")]})
    change = PlanChange.objects.create(award=award, reason=reason, plan_before=award.plan, plan_after=new_plan,
                                       requested_by=actor)
    transition(award, to=Status.CHANGE_REQUESTED, by=actor, reason="計画変更申請")
    _step(actor, award, "change_requested", Status.GRANTED, Status.CHANGE_REQUESTED)
    return change


@transaction.atomic
def plan_change_decide(*, actor, application_id: int, approve: bool, note: str = "") -> PlanChange:
    """The agency approves (the plan is replaced; the grant never rises above the decided
    amount) or refuses (the plan stays) the pending change."""
    award = _agency_award_for_update(actor=actor, application_id=application_id)
    _refuse_out_of_order(award, (Status.CHANGE_REQUESTED,))
    note = clean_text(note, field="note", max_length=2000).strip()
    change = PlanChange.objects.select_for_update().get(award=award, decision=PlanChange.Decision.PENDING)
    if not approve and not note:
        raise ApplicationError(errors={"note": [_("Give the reason for refusing the change.")]})
    change.decision = PlanChange.Decision.APPROVED if approve else PlanChange.Decision.REFUSED
    change.decision_note = note
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.save(update_fields=["decision", "decision_note", "decided_by", "decided_at", "updated_at"])
    fields = []
    if approve:
        award.plan = change.plan_after
        award.granted_amount = min(_terms(award).amount(award.planned_total), award.granted_amount or 0)
        fields = ["plan", "granted_amount"]
    transition(award, to=Status.GRANTED, by=actor, reason="計画変更承認" if approve else "計画変更不承認", fields=fields)
    _step(actor, award, "change_approved" if approve else "change_refused", Status.CHANGE_REQUESTED, Status.GRANTED,
          award.granted_amount)
    return change


# --- 経費明細 (the ledger of the 実績報告) ------------------------------------------------------------

@dataclass(frozen=True)
class LineInput:
    category: str
    description: str
    vendor: str
    paid_on: dt.date | None
    amount: int | None
    tax_mode: str
    receipt_id: int | None
    travel_item: str = ""
    region: str = ""
    nights: int | None = None
    lodging_per_night: int | None = None


def _line_errors(award: Award, line: LineInput, *, business_id: int) -> tuple[dict[str, list[str]], Document | None]:
    errors: dict[str, list[str]] = {}
    if line.category not in CATEGORY_LABELS:
        errors["category"] = [_("Choose a category.")]
    elif line.category not in award.plan:
        errors["category"] = [_("“%(category)s” is not in the plan. Expenses of a category outside the plan need a "
                                "plan change first.") % {"category": CATEGORY_LABELS[line.category]}]
    if not line.description.strip():
        errors["description"] = [_("Describe what was bought.")]
    if not line.vendor.strip():
        errors["vendor"] = [_("Enter the vendor (who was paid).")]
    if line.paid_on is None:
        errors["paid_on"] = [_("Enter the date of payment.")]
    elif line.paid_on > timezone.localdate():
        errors["paid_on"] = [_("The date of payment cannot be in the future.")]
    elif award.granted_at and line.paid_on < timezone.localtime(award.granted_at).date():
        errors["paid_on"] = [_("Expenses paid before the grant decision (%(date)s) are not eligible.")
                             % {"date": timezone.localtime(award.granted_at).date().isoformat()}]
    if line.amount is None or not 0 < line.amount <= MAX_AMOUNT:
        errors["amount"] = [_("Enter an amount of one yen or more.")]
    errors.update(_tax_mode_errors(award.application, line.tax_mode))
    if line.tax_mode == "included" and award.tax_mode == "excluded" and "tax_mode" not in errors:
        errors["tax_mode"] = [_("This subsidy is booked tax excluded (chosen at the grant request).")]
    if line.category == "travel":
        facts = {"category": "travel", "travel_item": line.travel_item, "region": line.region, "nights": line.nights,
                 "lodging_per_night": line.lodging_per_night}
        errors.update(rules.travel_line_errors(facts, line.tax_mode))
        if line.travel_item not in rules.TRAVEL_ITEMS:
            errors.setdefault("travel_item", [_("Choose what the travel expense pays for.")])
        if line.travel_item == "lodging" and "lodging_per_night" not in errors and "region" not in errors:
            if not line.nights or line.lodging_per_night is None:
                errors["nights"] = [_("Enter the nights and the cost a night.")]
            elif line.amount is not None and line.amount != line.nights * line.lodging_per_night:
                errors["amount"] = [_("A lodging line is the nights times the cost a night (%(total)s yen).")
                                    % {"total": f"{line.nights * line.lodging_per_night:,}"}]
    document = None
    if line.receipt_id is None:
        errors["receipt"] = [_("Attach the receipt from your documents.")]
    else:
        document = Document.objects.filter(pk=line.receipt_id, business_id=business_id).first()
        if document is None:
            errors["receipt"] = [_("This document is not in your business's vault.")]
        elif document.document_type not in EVIDENCE_TYPES:
            errors["receipt"] = [_("Choose a receipt, a quotation or a photo as the evidence of an expense.")]
    return errors, document


@transaction.atomic
def expense_line_add(*, actor, application_id: int, line: LineInput) -> ExpenseLine:
    award = _own_award_for_update(actor=actor, application_id=application_id)
    if PerformanceReport.objects.filter(award=award).exists():
        raise ApplicationError(errors={"non_field_errors": [_("The performance report was sent; the ledger can no longer change.")]})
    _refuse_out_of_order(award, (Status.GRANTED,))
    business_id = award.application.business_id
    errors, document = _line_errors(award, line, business_id=business_id)
    if errors:
        raise ApplicationError(errors=errors)
    # _line_errors refuses a line without a date, an amount or a receipt of the business's own.
    assert document is not None and line.paid_on is not None and line.amount is not None
    is_travel = line.category == "travel"
    row = ExpenseLine.objects.create(
        award=award, category=line.category, description=line.description.strip(), vendor=line.vendor.strip(),
        paid_on=line.paid_on, amount=line.amount, tax_mode=line.tax_mode, receipt=document, created_by=actor,
        travel_item=line.travel_item if is_travel else "", region=line.region if is_travel else "",
        nights=line.nights if is_travel else None, lodging_per_night=line.lodging_per_night if is_travel else None)
    document_attach_evidence(actor=actor, application=award.application, document=document)
    audit_award_ledger_changed(actor=actor, award=award, business_id=business_id, line_id=row.pk, action="added",
                               amount=row.amount, receipt_id=document.pk)
    return row


@transaction.atomic
def expense_line_remove(*, actor, application_id: int, line_id: int) -> None:
    award = _own_award_for_update(actor=actor, application_id=application_id)
    _refuse_out_of_order(award, (Status.GRANTED,))
    line = ExpenseLine.objects.filter(pk=line_id, award=award).first()
    if line is None:
        raise Http404
    audit_award_ledger_changed(actor=actor, award=award, business_id=award.application.business_id, line_id=line.pk,
                               action="removed", amount=line.amount, receipt_id=line.receipt_id)
    line.delete()


def plan_check(award: Award, lines: list[ExpenseLine] | None = None) -> list[dict]:
    """Per category of the plan and of the ledger: planned, spent, and whether the ledger
    stays within the plan (the report is refused where it does not)."""
    lines = list(award.lines.all()) if lines is None else lines
    spent: dict[str, int] = {}
    for line in lines:
        spent[line.category] = spent.get(line.category, 0) + line.amount
    rows = []
    for category in [c for c, _label in EXPENSE_CATEGORIES if c in award.plan or c in spent]:
        planned = int(award.plan.get(category, 0))
        used = spent.get(category, 0)
        rows.append({"category": category, "label": CATEGORY_LABELS[category], "planned": planned, "spent": used,
                     "over": used > planned})
    return rows


# --- 実績報告 -------------------------------------------------------------------------------------

@transaction.atomic
def report_submit(*, actor, application_id: int, summary: str) -> PerformanceReport:
    award = _own_award_for_update(actor=actor, application_id=application_id)
    if PerformanceReport.objects.filter(award=award).exists():
        raise ApplicationError(errors={"non_field_errors": [
            _("The performance report was already sent; a second report is not accepted.")]})
    _refuse_out_of_order(award, (Status.GRANTED,))
    summary = clean_text(summary, field="summary", max_length=5000).strip()
    lines = list(award.lines.all())
    errors: dict[str, list[str]] = {}
    if not summary:
        errors["summary"] = [_("Describe what the project did.")]
    if not lines:
        errors["lines"] = [_("Enter the expenses of the project, each with its receipt.")]
    over = [row for row in plan_check(award, lines) if row["over"]]
    if over:
        errors["lines"] = [_("“%(category)s”: %(spent)s yen spent against %(planned)s yen planned. Stay within the plan "
                             "or ask for a plan change.") % {"category": row["label"], "spent": f"{row['spent']:,}",
                                                              "planned": f"{row['planned']:,}"} for row in over]
    if errors:
        raise ApplicationError(errors=errors)
    total = sum(line.amount for line in lines)
    try:
        with transaction.atomic():
            report = PerformanceReport.objects.create(award=award, summary=summary, total=total, submitted_by=actor)
    except IntegrityError:
        raise ApplicationError(errors={"non_field_errors": [
            _("The performance report was already sent; a second report is not accepted.")]}) from None
    award.reported_at = report.submitted_at
    transition(award, to=Status.REPORTED, by=actor, reason="実績報告", fields=["reported_at"])
    DueDate.objects.filter(award=award, step=DueDate.Step.REPORT, done_at__isnull=True).update(done_at=timezone.now())
    _step(actor, award, "reported", Status.GRANTED, Status.REPORTED, total)
    return report


@transaction.atomic
def report_submit_with_lines(*, actor, application_id: int, summary: str, lines: list[LineInput]) -> PerformanceReport:
    """実績報告 with the lines of the ledger sent in the same call (the API): each line is
    added as on the page, then the report is sent, all in one transaction — a refused line
    (its errors named `lines.<n>.<field>`) or a refused report writes nothing."""
    for index, line in enumerate(lines):
        try:
            expense_line_add(actor=actor, application_id=application_id, line=line)
        except ApplicationError as exc:
            raise ApplicationError(errors={
                (key if key == "non_field_errors" else f"lines.{index}.{key}"): messages
                for key, messages in exc.errors.items()}) from None
    return report_submit(actor=actor, application_id=application_id, summary=summary)


# --- 確定検査 -------------------------------------------------------------------------------------

@transaction.atomic
def confirm(*, actor, application_id: int, assessments: dict[int, tuple[int, str]]) -> Award:
    """確定検査: agency staff accept each line in full or in part; every deduction has its
    reason. The confirmed amount is the rate of the accepted total, at most the cap and at
    most the granted amount."""
    award = _agency_award_for_update(actor=actor, application_id=application_id)
    _refuse_out_of_order(award, (Status.REPORTED,))
    lines = list(award.lines.select_for_update().order_by("pk"))
    errors: dict[str, list[str]] = {}
    known = {line.pk for line in lines}
    if set(assessments) - known:
        raise Http404
    for line in lines:
        accepted, reason = assessments.get(line.pk, (line.amount, ""))
        reason = (reason or "").strip()
        if accepted is None or not 0 <= accepted <= line.amount:
            errors[f"line_{line.pk}"] = [_("Accept between 0 and %(amount)s yen.") % {"amount": f"{line.amount:,}"}]
        elif accepted < line.amount and not reason:
            errors[f"line_{line.pk}"] = [_("Explain the deduction of %(amount)s yen.") % {"amount": f"{line.amount - accepted:,}"}]
        elif len(reason) > 500:
            errors[f"line_{line.pk}"] = [_("A reason may be at most 500 characters.")]
        line.accepted_amount = accepted
        line.deduction_reason = reason if accepted is not None and accepted < line.amount else ""
    if errors:
        raise ApplicationError(errors=errors)
    for line in lines:
        line.save(update_fields=["accepted_amount", "deduction_reason", "updated_at"])
        audit_award_ledger_changed(actor=actor, award=award, business_id=award.application.business_id, line_id=line.pk,
                                   action="assessed", amount=line.accepted_amount or 0, receipt_id=line.receipt_id)
    accepted_total = sum(line.accepted_amount or 0 for line in lines)  # every line is assessed (refused above otherwise)
    award.confirmed_amount = min(_terms(award).amount(accepted_total), award.granted_amount or 0)
    award.confirmed_at = timezone.now()
    transition(award, to=Status.CONFIRMED, by=actor, reason="確定検査", fields=["confirmed_amount", "confirmed_at"])
    DueDate.objects.create(award=award, step=DueDate.Step.CLAIM, due_on=timezone.localdate() + dt.timedelta(days=CLAIM_DAYS))
    _step(actor, award, "confirmed", Status.REPORTED, Status.CONFIRMED, award.confirmed_amount)
    return award


# --- 精算払請求 and payment ---------------------------------------------------------------------------

@transaction.atomic
def payment_claim(*, actor, application_id: int) -> Award:
    award = _own_award_for_update(actor=actor, application_id=application_id)
    _refuse_out_of_order(award, (Status.CONFIRMED,))
    award.claimed_at = timezone.now()
    transition(award, to=Status.CLAIMED, by=actor, reason="精算払請求", fields=["claimed_at"])
    DueDate.objects.filter(award=award, step=DueDate.Step.CLAIM, done_at__isnull=True).update(done_at=timezone.now())
    _step(actor, award, "claimed", Status.CONFIRMED, Status.CLAIMED, award.confirmed_amount)
    return award


@transaction.atomic
def payment_record(*, actor, application_id: int) -> Award:
    """The agency paid the confirmed amount; the profit reports of the following years
    (§15) fall due, each by the end of June after its fiscal year."""
    award = _agency_award_for_update(actor=actor, application_id=application_id)
    _refuse_out_of_order(award, (Status.CLAIMED,))
    award.paid_amount = award.confirmed_amount
    award.paid_at = timezone.now()
    transition(award, to=Status.PAID, by=actor, reason="支払", fields=["paid_amount", "paid_at"])
    first = fiscal_year_of(timezone.localdate())
    DueDate.objects.bulk_create([
        DueDate(award=award, step=DueDate.Step.PROFIT, fiscal_year=year, due_on=dt.date(year + 1, 6, 30))
        for year in range(first, first + PROFIT_REPORT_YEARS)
    ])
    _step(actor, award, "paid", Status.CLAIMED, Status.PAID, award.paid_amount)
    return award


# --- 収益納付 (§15) ----------------------------------------------------------------------------------

def profit_payment(*, profit: int, confirmed: int, accepted_total: int, paid_back: int) -> int:
    """The share of the profit the grant paid for (confirmed / accepted expenses), never
    more than what is left of the grant after earlier payments."""
    if profit <= 0 or accepted_total <= 0:
        return 0
    share = int(Fraction(profit) * Fraction(confirmed, accepted_total))
    return max(0, min(share, confirmed - paid_back))


@transaction.atomic
def profit_report_submit(*, actor, application_id: int, fiscal_year: int, revenue: int, costs: int) -> ProfitReport:
    award = _own_award_for_update(actor=actor, application_id=application_id)
    _refuse_out_of_order(award, (Status.PAID,))
    due = DueDate.objects.filter(award=award, step=DueDate.Step.PROFIT, fiscal_year=fiscal_year).first()
    if due is None:
        raise ApplicationError(errors={"fiscal_year": [_("Choose one of the fiscal years a profit report is due for.")]})
    if ProfitReport.objects.filter(award=award, fiscal_year=fiscal_year).exists():
        raise ApplicationError(errors={"fiscal_year": [_("The profit report of this fiscal year was already sent.")]})
    errors = {}
    for name, value in (("revenue", revenue), ("costs", costs)):
        if value is None or not 0 <= value <= INT64_MAX:
            errors[name] = [_("Enter an amount of zero yen or more.")]
    if errors:
        raise ApplicationError(errors=errors)
    accepted_total = award.lines.aggregate(total=Sum("accepted_amount"))["total"] or 0
    paid_back = award.profit_reports.aggregate(total=Sum("payment"))["total"] or 0
    profit = revenue - costs
    payment = profit_payment(profit=profit, confirmed=award.confirmed_amount or 0, accepted_total=accepted_total,
                             paid_back=paid_back)
    report = ProfitReport.objects.create(award=award, fiscal_year=fiscal_year, revenue=revenue, costs=costs, profit=profit,
                                         payment=payment, submitted_by=actor)
    due.done_at = timezone.now()
    due.save(update_fields=["done_at"])
    _step(actor, award, "profit_reported", Status.PAID, Status.PAID, payment)
    return report
