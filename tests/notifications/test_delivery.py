from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from notifications.models import DeliveryAttempt, MailPreference, OutboxMessage
from notifications.services import mail_enqueue
from notifications.tasks import deliver_message, requeue_pending_messages
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    """Stands in for an SMTP server that refuses every message (outside the project)."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server refused the connection")


def _enqueue(user, key="k1", category="digest", template="weekly_digest"):
    return mail_enqueue(to_user=user, template=template, category=category, idempotency_key=key,
                        context={"business_name": "株式会社テスト", "week": "2026-W48", "programs": []})


def test_enqueued_on_commit_and_sent_once_with_headers(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            message = _enqueue(user)
            assert len(mail.outbox) == 0  # nothing leaves before the commit
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.attempts == 1
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.subject == "【ミラサポ】週刊ダイジェスト（2026-W48）"
    assert sent.extra_headers["X-Mirasapo-Message-Id"] == "k1"
    assert sent.extra_headers["Message-ID"] == message.message_id_header
    assert sent.extra_headers["List-Unsubscribe"].startswith("<http") and "/mail/unsubscribe/" in sent.extra_headers["List-Unsubscribe"]
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "ワンクリックで配信停止" in sent.body and sent.alternatives and "<a href=" in sent.alternatives[0][0]
    # Running the task again, or enqueueing the same key again, sends nothing more.
    assert deliver_message.delay(message.pk).get() == "sent"
    assert _enqueue(user).pk == message.pk
    assert len(mail.outbox) == 1
    assert DeliveryAttempt.objects.filter(message=message, succeeded=True).count() == 1


def test_english_for_users_who_chose_it():
    user = UserFactory(preferred_language="en")
    message = OutboxMessage.objects.create(idempotency_key="en1", recipient_user=user, to_email=user.email, language="en",
                                           template="weekly_digest", category="digest",
                                           context={"business_name": "Test Ltd", "week": "2026-W48", "programs": []})
    deliver_message.delay(message.pk)
    assert mail.outbox[0].subject == "[Mirasapo] Your weekly digest (2026-W48)"
    assert "Unsubscribe with one click" in mail.outbox[0].body


def test_a_live_lease_is_not_sent_twice_and_an_expired_one_is_sent():
    user = UserFactory()
    message = OutboxMessage.objects.create(idempotency_key="lease", recipient_user=user, to_email=user.email, template="weekly_digest",
                                           category="digest", context={"week": "w", "programs": []},
                                           status=OutboxMessage.Status.SENDING, lease_expires_at=timezone.now() + dt.timedelta(minutes=5))
    assert deliver_message.delay(message.pk).get() == "in-progress"
    assert len(mail.outbox) == 0
    OutboxMessage.objects.filter(pk=message.pk).update(lease_expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert deliver_message.delay(message.pk).get() == "sent"
    assert len(mail.outbox) == 1
    assert list(DeliveryAttempt.objects.filter(message=message).order_by("pk").values_list("succeeded", flat=True)) == [False, True]


def test_failures_are_recorded_and_retried_until_given_up(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.RefusingBackend"
    user = UserFactory()
    message = OutboxMessage.objects.create(idempotency_key="fail", recipient_user=user, to_email=user.email, template="weekly_digest",
                                           category="digest", context={"week": "w", "programs": []})
    from celery.exceptions import Retry

    backoffs = []
    for _attempt in range(deliver_message.max_retries):
        try:
            outcome = deliver_message.delay(message.pk).get()
        except Retry as retry:  # eager mode hands the retry back instead of scheduling it
            backoffs.append(retry.when)
    assert outcome == "failed"
    assert backoffs == [30, 60, 120, 240, 480, 960, 1920]  # exponential, capped at MAX_BACKOFF
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == deliver_message.max_retries
    attempts = DeliveryAttempt.objects.filter(message=message)
    assert attempts.count() == deliver_message.max_retries and not attempts.filter(succeeded=True).exists()
    assert "refused" in attempts.first().error


def test_mail_of_an_unsubscribed_category_is_cancelled_not_sent():
    user = UserFactory()
    MailPreference.objects.create(user=user, digest=False)
    message = OutboxMessage.objects.create(idempotency_key="unsub", recipient_user=user, to_email=user.email, template="weekly_digest",
                                           category="digest", context={"week": "w", "programs": []})
    assert deliver_message.delay(message.pk).get() == "cancelled"
    assert len(mail.outbox) == 0


def test_requeue_picks_up_lost_enqueues_and_dead_senders():
    user = UserFactory()
    old = timezone.now() - dt.timedelta(minutes=30)
    lost = OutboxMessage.objects.create(idempotency_key="lost", recipient_user=user, to_email=user.email, template="weekly_digest",
                                        category="digest", context={"week": "w", "programs": []})
    dead = OutboxMessage.objects.create(idempotency_key="dead", recipient_user=user, to_email=user.email, template="weekly_digest",
                                        category="digest", context={"week": "w", "programs": []},
                                        status=OutboxMessage.Status.SENDING, lease_expires_at=old)
    fresh = OutboxMessage.objects.create(idempotency_key="fresh", recipient_user=user, to_email=user.email, template="weekly_digest",
                                         category="digest", context={"week": "w", "programs": []})
    backing_off = OutboxMessage.objects.create(idempotency_key="backoff", recipient_user=user, to_email=user.email,
                                               template="weekly_digest", category="digest", context={"week": "w", "programs": []},
                                               lease_expires_at=timezone.now() + dt.timedelta(minutes=20))
    OutboxMessage.objects.filter(pk__in=[lost.pk, dead.pk, backing_off.pk]).update(updated_at=old)
    assert requeue_pending_messages.delay().get() == 2
    assert {m.extra_headers["X-Mirasapo-Message-Id"] for m in mail.outbox} == {"lost", "dead"}
    fresh.refresh_from_db()
    backing_off.refresh_from_db()
    assert fresh.status == OutboxMessage.Status.PENDING
    assert backing_off.status == OutboxMessage.Status.PENDING  # its retry time has not come


def test_mail_tasks_run_on_their_own_queue(settings):
    from mirasapo.celery import app

    route = app.amqp.router.route({}, "notifications.tasks.deliver_message")
    assert route["queue"].name == "mail"
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    from notifications.tasks import MAX_BACKOFF

    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > MAX_BACKOFF
    assert deliver_message.acks_late and deliver_message.reject_on_worker_lost


def test_a_batch_sends_each_pending_message_once():
    from notifications.tasks import deliver_batch

    user = UserFactory()
    rows = [OutboxMessage.objects.create(idempotency_key=f"b{n}", recipient_user=user, to_email=user.email, template="weekly_digest",
                                         category="digest", context={"week": "w", "programs": []}) for n in range(4)]
    OutboxMessage.objects.filter(pk=rows[0].pk).update(status=OutboxMessage.Status.SENT)
    assert deliver_batch.delay([r.pk for r in rows]).get() == {"sent": 4}  # b0 was already sent: reported, not resent
    assert sorted(m.extra_headers["X-Mirasapo-Message-Id"] for m in mail.outbox) == ["b1", "b2", "b3"]
    deliver_batch.delay([r.pk for r in rows])
    assert len(mail.outbox) == 3
