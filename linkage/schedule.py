from __future__ import annotations

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Queryset updates of Business do not touch updated_at; a nightly full pass catches them.
    "linkage-refresh-match-index": {"task": "linkage.tasks.refresh_match_index", "schedule": crontab(hour=3, minute=20)},
}
