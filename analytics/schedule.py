"""Periodic jobs of analytics (collected by mirasapo/celery.py)."""

from __future__ import annotations

# The dashboard's summary is rebuilt every 10 minutes: figures are at most ~10 minutes old
# (the page shows the time of the last rebuild).
BEAT_SCHEDULE = {
    "analytics-refresh-dashboard-summary": {
        "task": "analytics.refresh_dashboard_summary",
        "schedule": 600.0,
        "options": {"expires": 540},
    },
    # EBPM analyses whose enqueue or worker was lost run again (analytics.tasks.requeue_ebpm_analyses).
    "analytics-requeue-ebpm-analyses": {
        "task": "analytics.requeue_ebpm_analyses",
        "schedule": 300.0,
        "options": {"expires": 240},
    },
}
