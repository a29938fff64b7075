"""Reads after adoption, each for a viewer: the applicant's award (of an application
already fetched through applications.selectors, which applies the consent decision), the
agency's queue (filtered by consent in SQL), and the timeline of every step."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from consent.access import PURPOSE_SHARING
from consent.projection import rows_released
from core.transitions import history

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


AGENCY_CLASSES = (8, 10)


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


AWARD_STEP_LABELS = {
    Status.GRANTED: "交付決定",
    Status.CHANGE_REQUESTED: "計画変更申請",
    Status.REPORTED: "実績報告",
    Status.CONFIRMED: "確定検査（額の確定）",
    Status.CLAIMED: "精算払請求",
    Status.PAID: "補助金の支払",
}
DUE_LABELS = {"report": "実績報告の期限", "claim": "精算払請求の期限", "profit": "収益状況報告の期限"}


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
            label = "計画変更の承認" if change.reason == "計画変更承認" else "計画変更の不承認"
        steps.append(TimelineStep(label, at=change.at))
    for report in award.profit_reports.all():
        steps.append(TimelineStep(f"収益状況報告（{report.fiscal_year}年度）", at=report.submitted_at,
                                  note=f"納付額 {report.payment:,}円"))
    steps.sort(key=lambda s: s.at)
    today = timezone.localdate()
    for due in sorted(award.due_dates.all(), key=lambda d: (d.due_on, d.pk)):
        if due.done_at is not None:
            continue
        label = DUE_LABELS[due.step] + (f"（{due.fiscal_year}年度）" if due.fiscal_year else "")
        steps.append(TimelineStep(label, due_on=due.due_on, state="overdue" if due.due_on < today else "due"))
    return steps


def overdue_steps(award: Award) -> list[DueDate]:
    today = timezone.localdate()
    return [d for d in award.due_dates.all() if d.done_at is None and d.due_on < today]
