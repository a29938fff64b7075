"""Due dates: reminders 7 and 1 days before, through the outbox and as お知らせ, each once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from awards import reminders
from awards.models import DueDate
from notifications.models import Notice, OutboxMessage
from tests.awards.helpers import granted

pytestmark = pytest.mark.django_db


def test_reminder_days():
    assert [reminders.reminder_days(n) for n in (10, 8, 7, 5, 2, 1, 0, -1)] == [None, None, 7, 7, 7, 1, 1, None]


def test_reminders_are_sent_7_and_1_days_before_each_exactly_once(prime, staff, adopted):
    award = granted(prime, staff, adopted)
    due = DueDate.objects.get(award=award, step="report")
    today = timezone.localdate()
    due.due_on = today + dt.timedelta(days=7)
    due.save()

    assert reminders.send_due_reminders(today - dt.timedelta(days=1)) == 0  # 8 days before: nothing yet
    assert reminders.send_due_reminders(today) == 1
    assert reminders.send_due_reminders(today) == 0  # the beat runs again: nothing new
    assert reminders.send_due_reminders(today + dt.timedelta(days=3)) == 0  # the 7-day reminder is out
    assert reminders.send_due_reminders(today + dt.timedelta(days=6)) == 1  # 1 day before
    assert reminders.send_due_reminders(today + dt.timedelta(days=6)) == 0
    keys = sorted(OutboxMessage.objects.filter(idempotency_key__startswith="award-due:").values_list("idempotency_key", flat=True))
    assert keys == [f"award-due:{due.pk}:1", f"award-due:{due.pk}:7"]
    message = OutboxMessage.objects.get(idempotency_key=f"award-due:{due.pk}:7")
    assert message.recipient_user == prime and message.context["step_label"] == "実績報告"
    assert Notice.objects.filter(user=prime, kind="award_reminder_report").count() == 2
    # A step done needs no reminder; an overdue one gets none either (it is shown as overdue).
    assert reminders.send_due_reminders(today + dt.timedelta(days=8)) == 0


def test_the_mail_says_what_is_due_in_japanese(prime, staff, adopted):
    from notifications.rendering import render_message

    award = granted(prime, staff, adopted)
    due = DueDate.objects.get(award=award, step="report")
    reminders.send_due_reminders(due.due_on - dt.timedelta(days=1))
    subject, text, _html = render_message(OutboxMessage.objects.get(idempotency_key=f"award-due:{due.pk}:1"))
    assert "期限" in subject
    assert "実績報告" in text and due.due_on.isoformat() in text and "残り1日" in text


def test_the_beat_schedule_runs_the_reminders():
    from mirasapo.celery import app

    app.loader.import_default_modules()
    from awards.schedule import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["awards-due-reminders"]["task"] == "awards.tasks.send_due_reminders"
    from awards.tasks import send_due_reminders

    assert send_due_reminders.name == "awards.tasks.send_due_reminders"
