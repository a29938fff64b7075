"""The beat job of awards: reminders of due steps, 7 and 1 days before."""

from __future__ import annotations

from celery import shared_task

from . import reminders


@shared_task(name="awards.tasks.send_due_reminders", acks_late=True, time_limit=600, soft_time_limit=540)
def send_due_reminders() -> int:
    # Idempotent: every reminder has its key (due date, days), written once to the outbox.
    return reminders.send_due_reminders()
