from __future__ import annotations

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "recommend-program-alerts": {"task": "recommend.tasks.program_alerts", "schedule": crontab(hour=7, minute=0)},
    "recommend-deadline-reminders": {"task": "recommend.tasks.deadline_reminders", "schedule": crontab(hour=7, minute=30)},
    "recommend-refresh-stale": {"task": "recommend.tasks.refresh_stale_recommendations", "schedule": crontab(minute="*/10")},
    "recommend-refresh-all": {"task": "recommend.tasks.refresh_all_recommendations", "schedule": crontab(hour=3, minute=0)},
    "recommend-weekly-digest": {"task": "recommend.tasks.weekly_digest", "schedule": crontab(day_of_week="mon", hour=8, minute=0)},
}
