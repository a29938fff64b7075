from __future__ import annotations

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Shortly after midnight JST (CELERY_TIMEZONE): close approvals and unanswered
    # requests whose last day has passed. Reads check the date themselves, so this only
    # tidies the status and tells both sides.
    "disclosure-expire-requests": {"task": "disclosure.tasks.expire_disclosure_requests", "schedule": crontab(minute=5, hour="0,6,12,18")},
}
