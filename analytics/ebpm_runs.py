"""Writes of an EBPM analysis run, for the worker: claim, finish, and finding lost runs.

Split from analytics/services.py so that imports run one way: services (the request,
which enqueues) → tasks (the worker's jobs) → ebpm_runs (these writes) → models.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core.transitions import transition, transition_many

from .ebpm import EbpmParams
from .models import EbpmAnalysis

# Why an analysis failed, by code (shown translated on its page).
EBPM_NOT_ENOUGH_DATA = "not_enough_data"
EBPM_ERROR = "error"
# A claimed analysis whose worker has been silent this long was lost (longer than the
# task's hard time limit in analytics/tasks.py).
EBPM_RUNNING_LEASE = dt.timedelta(minutes=20)
EBPM_PENDING_GRACE = dt.timedelta(minutes=2)


@transaction.atomic
def ebpm_analysis_claim(*, analysis_id: int) -> EbpmParams | None:
    """PENDING → RUNNING, committed before the fit; None when the analysis is not pending
    (already claimed, finished, or gone), so a duplicate task does nothing."""
    analysis = EbpmAnalysis.objects.select_for_update().filter(pk=analysis_id).first()
    if analysis is None or analysis.status != EbpmAnalysis.Status.PENDING:
        return None
    analysis.started_at = timezone.now()
    transition(analysis, to=EbpmAnalysis.Status.RUNNING, fields=["started_at"])
    return EbpmParams.from_dict(analysis.params)


@transaction.atomic
def ebpm_analysis_finish(*, analysis_id: int, results: dict | None, error: str = "") -> EbpmAnalysis:
    """RUNNING → DONE with the results, or FAILED with the reason's code."""
    analysis = EbpmAnalysis.objects.select_for_update().get(pk=analysis_id)
    analysis.finished_at = timezone.now()
    if results is not None:
        analysis.results = results
        transition(analysis, to=EbpmAnalysis.Status.DONE, fields=["results", "finished_at"])
    else:
        analysis.error = (error or EBPM_ERROR)[:300]
        transition(analysis, to=EbpmAnalysis.Status.FAILED, reason=analysis.error, fields=["error", "finished_at"])
    return analysis


@transaction.atomic
def ebpm_analyses_to_requeue(*, now: dt.datetime | None = None) -> list[int]:
    """For the beat job: put back the analyses whose worker died (RUNNING past the lease)
    and return those to send again (PENDING for a while: a lost enqueue, or just put back)."""
    moment = now or timezone.now()
    lost = EbpmAnalysis.objects.filter(status=EbpmAnalysis.Status.RUNNING, started_at__lt=moment - EBPM_RUNNING_LEASE)
    transition_many(lost, to=EbpmAnalysis.Status.PENDING, reason="worker lost")
    return list(EbpmAnalysis.objects.filter(status=EbpmAnalysis.Status.PENDING, created_at__lt=moment - EBPM_PENDING_GRACE)
                .order_by("pk").values_list("pk", flat=True))
