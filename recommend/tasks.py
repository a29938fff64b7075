"""Beat jobs of the push mail (recommend/schedule.py). Each is idempotent (see mail.py)."""

from __future__ import annotations

from celery import shared_task

from . import mail


@shared_task(time_limit=1800, soft_time_limit=1700)
def program_alerts() -> int:
    return mail.send_program_alerts() + mail.send_saved_search_alerts()


@shared_task(time_limit=1800, soft_time_limit=1700)
def deadline_reminders() -> int:
    return mail.send_deadline_reminders()


@shared_task(time_limit=3600, soft_time_limit=3500)
def weekly_digest() -> int:
    return mail.build_weekly_digest()
