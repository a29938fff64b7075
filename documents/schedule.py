from __future__ import annotations

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "documents-sweep-orphans": {"task": "documents.sweep_orphans", "schedule": crontab(minute=40, hour=3)},
}
