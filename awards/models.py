"""After adoption: 交付申請 → 交付決定 → (計画変更) → 実績報告 → 確定検査 → 精算払請求 → 支払,
then 収益納付 reports for the following years (seed 003 §10, §12, §15).

One `Award` per adopted application carries the lifecycle (awards/transitions.py); the
expense ledger (経費明細), the plan changes, the performance report, the profit reports and
the due dates hang off it. Every field is business data of the application (class 8: the
content of the subsidised project) or program-usage data (class 10: amounts granted and
paid, dates of the steps), declared in DATA_CLASSES beside the fields.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.jizokuka import EXPENSE_CATEGORIES
from core.models import TimeStampedModel

TAX_MODES = [("excluded", _("Tax excluded")), ("included", _("Tax included"))]


class Award(TimeStampedModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Grant requested")  # 交付申請
        GRANTED = "granted", _("Grant decided")  # 交付決定
        CHANGE_REQUESTED = "change_requested", _("Plan change requested")  # 計画変更申請中
        REPORTED = "reported", _("Performance reported")  # 実績報告
        CONFIRMED = "confirmed", _("Amount confirmed")  # 確定
        CLAIMED = "claimed", _("Payment claimed")  # 精算払請求
        PAID = "paid", _("Paid")  # 支払

    application = models.OneToOneField("applications.Application", on_delete=models.PROTECT, related_name="award")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    tax_mode = models.CharField(_("consumption tax"), max_length=10, choices=TAX_MODES, default="excluded")
    # The plan the grant is decided on: {category: amount}, from the application's expenses,
    # replaced by an approved plan change.
    plan = models.JSONField(_("planned expenses"), default=dict)
    requested_amount = models.BigIntegerField(_("requested grant"))
    requested_at = models.DateTimeField(_("grant requested on"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rate_numerator = models.PositiveSmallIntegerField(_("subsidy rate (numerator)"), null=True, blank=True)
    rate_denominator = models.PositiveSmallIntegerField(_("subsidy rate (denominator)"), null=True, blank=True)
    cap = models.BigIntegerField(_("cap (yen)"), null=True, blank=True)
    granted_amount = models.BigIntegerField(_("granted amount"), null=True, blank=True)
    granted_at = models.DateTimeField(_("grant decided on"), null=True, blank=True)
    project_end = models.DateField(_("project ends on"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported on"), null=True, blank=True)
    confirmed_amount = models.BigIntegerField(_("confirmed amount"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed on"), null=True, blank=True)
    paid_amount = models.BigIntegerField(_("paid amount"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid on"), null=True, blank=True)

    DATA_CLASSES = {
        "application": 10, "status": 10, "tax_mode": 8, "plan": 8, "requested_amount": 8, "requested_at": 10,
        "rate_numerator": 8, "rate_denominator": 8, "cap": 8,
        "granted_amount": 10, "granted_at": 10, "project_end": 8, "reported_at": 10, "confirmed_amount": 10,
        "confirmed_at": 10, "claimed_at": 10, "paid_amount": 10, "paid_at": 10,
    }

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(requested_amount__gte=0), name="award_requested_not_negative"),
            models.CheckConstraint(condition=Q(confirmed_amount__isnull=True) | Q(granted_amount__isnull=True)
                                   | Q(confirmed_amount__lte=models.F("granted_amount")), name="award_confirmed_at_most_granted"),
        ]

    def __str__(self) -> str:
        return f"{self.application} ({self.get_status_display()})"

    @property
    def planned_total(self) -> int:
        return sum(int(v) for v in (self.plan or {}).values())


class PlanChange(TimeStampedModel):
    """計画変更: the applicant's request to change the planned expenses, decided by the agency."""

    class Decision(models.TextChoices):
        PENDING = "", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="plan_changes")
    reason = models.TextField(_("reason for the change"), max_length=2000)
    plan_before = models.JSONField(_("plan before"))
    plan_after = models.JSONField(_("plan after"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True, default="")
    decision_note = models.TextField(_("note on the decision"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    DATA_CLASSES = {"award": 10, "reason": 8, "plan_before": 8, "plan_after": 8, "decision": 10, "decision_note": 8,
                    "decided_at": 10}

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["award"], condition=Q(decision=""), name="plan_change_one_pending")]


class ExpenseLine(TimeStampedModel):
    """One line of the 経費明細 (実績報告): what was bought, from whom, when, for how much,
    with its receipt from the vault. At 確定検査 the agency sets the accepted amount and
    explains any deduction."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="lines")
    category = models.CharField(_("category"), max_length=20, choices=EXPENSE_CATEGORIES)
    description = models.CharField(_("description"), max_length=200)
    vendor = models.CharField(_("vendor"), max_length=200)
    paid_on = models.DateField(_("paid on"))
    amount = models.BigIntegerField(_("amount (yen)"))
    tax_mode = models.CharField(_("consumption tax"), max_length=10, choices=TAX_MODES, default="excluded")
    # §10: travel lines say what they pay for; lodging is per night within the area's cap.
    travel_item = models.CharField(_("travel: what it pays for"), max_length=20, blank=True)
    region = models.CharField(_("lodging area or city"), max_length=40, blank=True)
    nights = models.PositiveSmallIntegerField(_("nights"), null=True, blank=True)
    lodging_per_night = models.BigIntegerField(_("lodging per night (yen)"), null=True, blank=True)
    receipt = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="expense_lines",
                                verbose_name=_("receipt"))
    accepted_amount = models.BigIntegerField(_("accepted amount"), null=True, blank=True)
    deduction_reason = models.CharField(_("reason for the deduction"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    DATA_CLASSES = {
        "award": 10, "category": 8, "description": 8, "vendor": 8, "paid_on": 8, "amount": 8, "tax_mode": 8,
        "travel_item": 8, "region": 8, "nights": 8, "lodging_per_night": 8, "receipt": 8,
        "accepted_amount": 10, "deduction_reason": 10,
    }

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_line_positive"),
            models.CheckConstraint(condition=Q(accepted_amount__isnull=True) | (Q(accepted_amount__gte=0) & Q(accepted_amount__lte=models.F("amount"))),
                                   name="expense_line_accepted_within_amount"),
        ]

    @property
    def deduction(self) -> int:
        return 0 if self.accepted_amount is None else self.amount - self.accepted_amount


class PerformanceReport(models.Model):
    """実績報告: submitted once (the one-to-one is the guard against a second)."""

    award = models.OneToOneField(Award, on_delete=models.CASCADE, related_name="report")
    summary = models.TextField(_("what the project did"), max_length=5000)
    total = models.BigIntegerField(_("total of the ledger"))
    submitted_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    DATA_CLASSES = {"award": 10, "summary": 8, "total": 8, "submitted_at": 10}

    def __str__(self) -> str:
        return f"実績報告 {self.award_id}"


class ProfitReport(models.Model):
    """収益納付 (§15): the profit the project earned in a following year, and the payment
    back, which together with earlier payments never exceeds the grant."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="profit_reports")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    revenue = models.BigIntegerField(_("revenue from the project"))
    costs = models.BigIntegerField(_("costs"))
    profit = models.BigIntegerField(_("profit"))
    payment = models.BigIntegerField(_("payment due"))
    submitted_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    DATA_CLASSES = {"award": 10, "fiscal_year": 10, "revenue": 8, "costs": 8, "profit": 8, "payment": 10, "submitted_at": 10}

    class Meta:
        ordering = ["fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["award", "fiscal_year"], name="profit_report_once_a_year"),
            models.CheckConstraint(condition=Q(payment__gte=0), name="profit_payment_not_negative"),
        ]

    def __str__(self) -> str:
        return f"収益状況報告 {self.award_id} {self.fiscal_year}"


class DueDate(models.Model):
    """A step the applicant owes by a date (実績報告, 精算払請求, each year's 収益状況報告);
    reminders go 7 and 1 days before (awards.tasks), overdue steps are shown."""

    class Step(models.TextChoices):
        REPORT = "report", _("Performance report")
        CLAIM = "claim", _("Payment claim")
        PROFIT = "profit", _("Profit report")

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="due_dates")
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    fiscal_year = models.PositiveSmallIntegerField(null=True, blank=True)
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(null=True, blank=True)

    DATA_CLASSES = {"award": 10, "step": 10, "fiscal_year": 10, "due_on": 10, "done_at": 10}

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["award", "step", "fiscal_year"], name="due_date_once",
                                               nulls_distinct=False)]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.due_on}"
