from __future__ import annotations

from celery import shared_task


@shared_task(name="analytics.refresh_dashboard_summary", acks_late=True)
def refresh_dashboard_summary() -> int:
    """Rebuild the dashboard summary (idempotent: a whole rebuild each time)."""
    from .dashboard import dashboard_summary_refresh

    return dashboard_summary_refresh().cells
