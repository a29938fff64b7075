"""Reminders of the steps an applicant owes (実績報告, 精算払請求, 収益状況報告): a mail through
the outbox and an お知らせ, 7 days and 1 day before the due date, each exactly once.

The key `award-due:<due date id>:<days>` is the outbox's idempotency key and the notice's
key: a beat that runs every hour, twice, or late finds the reminder already written. A
run that is late past the 7-day mark sends the 7-day reminder while more than one day is
left, and only the 1-day reminder after that, so nobody gets two on one day.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from notifications.models import OutboxMessage
from notifications.services import mail_enqueue, notice_post

from .models import DueDate

REMIND_DAYS = (7, 1)
STEP_LABELS_JA = {"report": "実績報告", "claim": "精算払請求", "profit": "収益状況報告"}


def reminder_days(days_left: int) -> int | None:
    """The reminder due with `days_left` days to go (None: none yet, or overdue)."""
    if days_left < 0:
        return None
    fitting = [d for d in REMIND_DAYS if days_left <= d]
    return min(fitting) if fitting else None


def send_due_reminders(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=max(REMIND_DAYS))
    sent = 0
    due_dates = (DueDate.objects.filter(done_at__isnull=True, due_on__gte=today, due_on__lte=horizon)
                 .select_related("award__application", "award__requested_by", "award__application__created_by"))
    for due in due_dates:
        days = reminder_days((due.due_on - today).days)
        if days is None:
            continue
        application = due.award.application
        recipient = due.award.requested_by or application.submitted_by or application.created_by
        if recipient is None:
            continue
        key = f"award-due:{due.pk}:{days}"
        if OutboxMessage.objects.filter(idempotency_key=key).exists():
            continue
        with transaction.atomic():
            mail_enqueue(
                to_user=recipient, template="award_step", category="applications", idempotency_key=key,
                context={"application_id": application.pk, "receipt_number": application.receipt_number or "",
                         "program": application.program, "status": "reminder", "step_label": STEP_LABELS_JA[due.step],
                         "due_on": due.due_on.isoformat(), "days": days})
            notice_post(user=recipient, key=key, kind=f"award_reminder_{due.step}", url=f"/awards/{application.pk}/")
        sent += 1
    return sent
