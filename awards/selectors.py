"""Reads after adoption, each for a viewer: the applicant's award (of an application
already fetched through applications.selectors, which applies the consent decision), the
agency's queue (filtered by consent in SQL), and the timeline of every step."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from applications.models import Application
from applications.selectors import application_history
from consent.access import PURPOSE_SHARING, SME_AGENCY, ConsentContext
from consent.projection import rows_released
from consent.registry import APPLICATION_CONTENT, IDENTITY, PROGRAM_USAGE
from core.transitions import history

from .lifecycle import (
    award_changes_by_award,
    award_of_loaded,
    lifecycle_status,
    lifecycle_timeline,
)
from .models import Award, DueDate, ExpenseLine, PlanChange

Status = Award.Status


def _award_queryset() -> QuerySet:
    return Award.objects.select_related("application", "application__subsidy_round", "report").prefetch_related(
        Prefetch("lines", queryset=ExpenseLine.objects.select_related("receipt").order_by("paid_on", "id")),
        Prefetch("plan_changes", queryset=PlanChange.objects.order_by("created_at", "id")),
        "profit_reports", "due_dates")


def award_of(*, application: Application) -> Award | None:
    """The award of an application the caller has fetched for its viewer (applicant or agency)."""
    return _award_queryset().filter(application=application).first()


AGENCY_CLASSES = (APPLICATION_CONTENT, PROGRAM_USAGE)


def agency_award_queue(*, viewer, status: str | None = None) -> QuerySet:
    """Awards of businesses that let the agency use their application data (purpose 2),
    with `overdue` (a due step not done by its date) computed in the same query."""
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_agency_staff:
        raise Http404
    qs = Award.objects.all()
    if status in Status.values:
        qs = qs.filter(status=status)
    # The award holds the project's content (class 8) and the program-usage facts (class 10:
    # amounts and dates of the steps): a business must let the agency use both.
    qs = rows_released(qs, purpose=PURPOSE_SHARING, classes=AGENCY_CLASSES, viewer=viewer,
                       business_field="application__business")
    overdue = DueDate.objects.filter(award=OuterRef("pk"), done_at__isnull=True, due_on__lt=timezone.localdate())
    return (qs.select_related("application", "application__business", "application__subsidy_round")
            .defer("application__content", "application__prefill", "application__snapshot")
            .annotate(overdue=Exists(overdue)).order_by("-updated_at", "-id"))


def award_for_agency(*, viewer, application: Application) -> Award | None:
    """The award of an application the agency fetched (applications.selectors), only where
    the business lets the agency use classes 8 and 10; None otherwise."""
    if not agency_award_queue(viewer=viewer).filter(application=application).exists():
        return None
    return award_of(application=application)


def business_name_for(*, viewer, application: Application) -> str:
    """The applicant's name as printed on a stage's PDF: the business's own users see it;
    the agency only where the business lets it use its identity (class 1) for purpose 2."""
    business = application.business
    if getattr(viewer, "membership_or_none", None) is not None and viewer.membership_or_none.business_id == business.pk:
        return business.name
    decision = ConsentContext([business.pk]).decide(business.pk, purpose=PURPOSE_SHARING, data_class=IDENTITY,
                                                    recipient=SME_AGENCY, viewer=viewer)
    return business.name if decision.allowed else "（非開示）"


@dataclass(frozen=True)
class TimelineStep:
    label: str
    at: dt.datetime | None = None
    due_on: dt.date | None = None
    state: str = "done"  # done | due | overdue
    note: str = ""

    @property
    def when(self):
        return self.at or self.due_on


AWARD_STEP_LABELS: dict[str, Any] = {
    Status.GRANTED: pgettext_lazy("award timeline", "Grant decided"),  # 交付決定
    Status.CHANGE_REQUESTED: pgettext_lazy("award timeline", "Plan change requested"),  # 計画変更申請
    Status.REPORTED: pgettext_lazy("award timeline", "Performance reported"),  # 実績報告
    Status.CONFIRMED: pgettext_lazy("award timeline", "Amount confirmed (inspection)"),  # 確定検査（額の確定）
    Status.CLAIMED: pgettext_lazy("award timeline", "Payment claimed"),  # 精算払請求
    Status.PAID: pgettext_lazy("award timeline", "Subsidy paid"),  # 補助金の支払
}
CHANGE_DECIDED_LABELS = {True: pgettext_lazy("award timeline", "Plan change approved"),
                         False: pgettext_lazy("award timeline", "Plan change refused")}
DUE_LABELS = {"report": pgettext_lazy("award timeline", "Performance report due"),
              "claim": pgettext_lazy("award timeline", "Payment claim due"),
              "profit": pgettext_lazy("award timeline", "Profit report due")}


def _application_steps(application: Application) -> list[TimelineStep]:
    steps = [TimelineStep(_("Draft started"), at=application.created_at)]
    labels = dict(Application.Status.choices)
    steps += [TimelineStep(str(labels.get(e.to_status, e.to_status)), at=e.at) for e in application.events.all()]
    return steps


def timeline(*, application: Application, award: Award | None) -> list[TimelineStep]:
    """Every step the application and its award went through, in order, then the steps
    still due (overdue ones marked)."""
    steps = _application_steps(application)
    if award is None:
        return steps
    steps.append(TimelineStep(_("Grant requested (交付申請)"), at=award.requested_at))
    for change in history(award):
        label = AWARD_STEP_LABELS.get(change.to_status, change.to_status)
        if change.from_status == Status.CHANGE_REQUESTED:
            label = CHANGE_DECIDED_LABELS[change.reason == "計画変更承認"]  # the reason the service recorded
        steps.append(TimelineStep(str(label), at=change.at))
    for report in award.profit_reports.all():
        steps.append(TimelineStep(_("Profit report (fiscal year %(year)s)") % {"year": report.fiscal_year},
                                  at=report.submitted_at,
                                  note=_("Payment %(amount)s yen") % {"amount": f"{report.payment:,}"}))
    steps.sort(key=lambda s: s.at or dt.datetime.min.replace(tzinfo=dt.UTC))
    today = timezone.localdate()
    for due in sorted(award.due_dates.all(), key=lambda d: (d.due_on, d.pk)):
        if due.done_at is not None:
            continue
        label = (_("%(step)s (fiscal year %(year)s)") % {"step": DUE_LABELS[due.step], "year": due.fiscal_year}
                 if due.fiscal_year else str(DUE_LABELS[due.step]))
        steps.append(TimelineStep(label, due_on=due.due_on, state="overdue" if due.due_on < today else "due"))
    return steps


def overdue_steps(award: Award) -> list[DueDate]:
    today = timezone.localdate()
    return [d for d in award.due_dates.all() if d.done_at is None and d.due_on < today]


def applications_with_lifecycle(*, viewer) -> list[Application]:
    """The viewer's business's applications (applications.selectors.application_history:
    the consent decision for the applicant), each with the status the applicant sees and
    its whole timeline, the award's steps included (awards.lifecycle): the applications
    with their awards, their events and the awards' status changes in one query each,
    whatever the number of applications."""
    applications = list(application_history(viewer=viewer).prefetch_related("events"))
    awards = [award for award in (award_of_loaded(a) for a in applications) if award is not None]
    changes = award_changes_by_award(awards)
    for application in applications:
        award = award_of_loaded(application)
        application.lifecycle_status = lifecycle_status(application, award)
        application.timeline = lifecycle_timeline(application, award, changes.get(award.pk, []) if award else [])
    return applications
