from __future__ import annotations

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # After midnight a round may open or close: the catalogue follows it.
    "programs-sync-reception-periods": {"task": "programs.tasks.sync_reception_periods", "schedule": crontab(hour=0, minute=5)},
}
