"""Analytics jobs: the dashboard summary and EBPM evaluations (off the request)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from . import ebpm_runs
from .dashboard import dashboard_summary_refresh
from .ebpm import NotEnoughData
from .ebpm_model import estimate


@shared_task(name="analytics.refresh_dashboard_summary", acks_late=True)
def refresh_dashboard_summary() -> int:
    """Rebuild the dashboard summary (idempotent: a whole rebuild each time)."""
    return dashboard_summary_refresh().cells


@shared_task(name="analytics.compute_ebpm_analysis", acks_late=True, reject_on_worker_lost=True,
             time_limit=900, soft_time_limit=840)
def compute_ebpm_analysis(analysis_id: int) -> str:
    """Claim (a status guard: a duplicate does nothing), fit outside any transaction, store.
    Idempotent, hence acks_late."""
    params = ebpm_runs.ebpm_analysis_claim(analysis_id=analysis_id)
    if params is None:
        return "skipped"
    try:
        results = estimate(params)
    except NotEnoughData:
        ebpm_runs.ebpm_analysis_finish(analysis_id=analysis_id, results=None, error=ebpm_runs.EBPM_NOT_ENOUGH_DATA)
        return "failed"
    except Exception:
        ebpm_runs.ebpm_analysis_finish(analysis_id=analysis_id, results=None, error=ebpm_runs.EBPM_ERROR)
        raise
    ebpm_runs.ebpm_analysis_finish(analysis_id=analysis_id, results=results)
    return "done"


@shared_task(name="analytics.requeue_ebpm_analyses", time_limit=120, soft_time_limit=100)
def requeue_ebpm_analyses(now: str | None = None) -> int:
    """Beat job: send again the analyses whose enqueue or worker was lost."""
    moment = dt.datetime.fromisoformat(now) if now else None
    ids = ebpm_runs.ebpm_analyses_to_requeue(now=moment)
    for analysis_id in ids:
        compute_ebpm_analysis.delay(analysis_id)
    return len(ids)
