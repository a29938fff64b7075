"""Delivery of outbox messages, on the `mail` queue (settings.CELERY_TASK_ROUTES).

Guarantees and their reasoning:

- Nothing is lost. The outbox row is written in the producer's transaction and its id
  enqueued on commit; the task is acks_late with reject_on_worker_lost, prefetch 1, so a
  worker that dies mid-task does not ack it; and the beat job requeue_pending_messages
  re-enqueues every row still PENDING (a lost enqueue) or SENDING with an expired lease
  (a worker that died) — the broker's own redelivery waits for the visibility timeout
  (2 h, longer than any countdown we use: max backoff is 1 h), the beat job does not.
- Nothing is sent twice by us. Delivery is a state machine guarded by a row lock:
  PENDING → SENDING (claim, committed in its own transaction *before* SMTP, with a lease)
  → SENT (committed right after SMTP accepts). A task that finds SENT/CANCELLED/FAILED, or
  SENDING with a live lease, does nothing; duplicates of a task are therefore harmless.
- The one window left is inherent to SMTP: a worker killed after the server accepted the
  message (250) and before SENT is committed leaves a SENDING row whose lease runs out,
  and the message is sent again. It is milliseconds wide; the re-send carries the same
  Message-ID and X-Mirasapo-Message-Id so that the receiving side can drop it.
  A kill anywhere else (before the claim, between messages, during rendering, before the
  DATA is accepted) leads to exactly one delivery.
"""

from __future__ import annotations

import datetime as dt
import socket

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.transitions import transition

from .models import Category, DeliveryAttempt, MailPreference, OutboxMessage

# Longer than the task's hard time limit: a live sender never loses its lease.
SENDING_LEASE = dt.timedelta(minutes=10)
PENDING_GRACE = dt.timedelta(minutes=5)
MAX_BACKOFF = 3600


def _render(message: OutboxMessage) -> tuple[str, str, str]:
    from .services import preferences_url, unsubscribe_url

    context = {**message.context, "portal_base_url": settings.PORTAL_BASE_URL}
    if message.recipient_user_id:
        context["unsubscribe_url"] = unsubscribe_url(user_id=message.recipient_user_id, category=message.category)
        context["preferences_url"] = preferences_url()
    with translation.override(message.language):
        subject = render_to_string(f"notifications/email/{message.template}_subject.txt", context).strip()
        text = render_to_string(f"notifications/email/{message.template}.txt", context)
        try:
            html = render_to_string(f"notifications/email/{message.template}.html", context)
        except Exception:  # an HTML body is optional
            html = ""
    return " ".join(subject.split()), text, html


def _worker_name(task) -> str:
    return (getattr(task.request, "hostname", None) or socket.gethostname())[:200]


def _claim(message_id: int, *, worker: str) -> tuple[OutboxMessage | None, str]:
    """PENDING (or SENDING with an expired lease) → SENDING, committed before SMTP."""
    now = timezone.now()
    with transaction.atomic():
        # Waits for a concurrent claim of the same row, then sees its result.
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            return None, "missing"
        if message.status in (OutboxMessage.Status.SENT, OutboxMessage.Status.CANCELLED, OutboxMessage.Status.FAILED):
            return None, message.status
        if message.status == OutboxMessage.Status.SENDING:
            if message.lease_expires_at and message.lease_expires_at > now:
                return None, "in-progress"
            DeliveryAttempt.objects.create(message=message, succeeded=False, worker=worker,
                                           error="lease expired: the previous sender was lost; sending again")
        if message.category in Category.values and message.recipient_user_id:
            preference = MailPreference.objects.filter(user_id=message.recipient_user_id).first()
            if preference is not None and not preference.allows(message.category):
                message.last_error = "recipient unsubscribed"
                transition(message, to=OutboxMessage.Status.CANCELLED, reason="recipient unsubscribed",
                           fields=["last_error"])
                return None, message.status
        message.lease_expires_at = now + SENDING_LEASE
        message.attempts += 1
        if message.status == OutboxMessage.Status.SENDING:
            # A re-claim after a lost worker: same status, a new lease.
            message.save(update_fields=["lease_expires_at", "attempts", "updated_at"])
        else:
            transition(message, to=OutboxMessage.Status.SENDING, fields=["lease_expires_at", "attempts"])
    return message, "claimed"


def build_email(message: OutboxMessage) -> tuple[EmailMultiAlternatives, str]:
    subject, text, html = _render(message)
    headers = {"X-Mirasapo-Message-Id": message.idempotency_key, "Message-ID": message.message_id_header}
    if message.recipient_user_id:
        from .services import unsubscribe_url

        headers["List-Unsubscribe"] = f"<{unsubscribe_url(user_id=message.recipient_user_id, category=message.category)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail = EmailMultiAlternatives(subject=subject, body=text, to=[message.to_email], headers=headers)
    if html:
        mail.attach_alternative(html, "text/html")
    return mail, subject


MAX_RETRIES = 8


def backoff(attempts: int) -> int:
    return min(MAX_BACKOFF, 30 * 2 ** (max(attempts, 1) - 1))


def _deliver_one(message_id: int, *, worker: str, connection=None) -> tuple[str, int | None]:
    """Claim, send, record. Returns (outcome, countdown of a retry or None)."""
    message, outcome = _claim(message_id, worker=worker)
    if message is None:
        return outcome, None
    try:
        mail, subject = build_email(message)
        if connection is not None:
            mail.connection = connection
        mail.send(fail_silently=False)
    except Exception as exc:  # SMTP and rendering errors of every kind: record, retry with backoff
        error = f"{type(exc).__name__}: {exc}"[:2000]
        give_up = message.attempts >= MAX_RETRIES
        countdown = backoff(message.attempts)
        with transaction.atomic():
            status = OutboxMessage.Status.FAILED if give_up else OutboxMessage.Status.PENDING
            # For a PENDING row the "lease" is the earliest retry time: the requeue job
            # leaves it alone until then, so the backoff holds.
            retry_at = None if give_up else timezone.now() + dt.timedelta(seconds=countdown)
            locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
            locked.last_error, locked.lease_expires_at = error, retry_at
            transition(locked, to=status, reason="retries exhausted" if give_up else "attempt failed",
                       fields=["last_error", "lease_expires_at"])
            DeliveryAttempt.objects.create(message=message, succeeded=False, error=error, worker=worker)
        if give_up:
            return OutboxMessage.Status.FAILED, None
        return "retry", countdown
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        locked.subject, locked.sent_at, locked.lease_expires_at, locked.last_error = subject[:300], timezone.now(), None, ""
        transition(locked, to=OutboxMessage.Status.SENT, fields=["subject", "sent_at", "lease_expires_at", "last_error"])
        DeliveryAttempt.objects.create(message=message, succeeded=True, worker=worker)
    return OutboxMessage.Status.SENT, None


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_RETRIES, time_limit=60, soft_time_limit=50)
def deliver_message(self, message_id: int) -> str:
    outcome, countdown = _deliver_one(message_id, worker=_worker_name(self))
    if countdown is not None:
        raise self.retry(countdown=countdown)
    return outcome


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, time_limit=300, soft_time_limit=280)
def deliver_batch(self, message_ids: list[int]) -> dict:
    """Bulk mail (digests): one task per BATCH messages over one SMTP connection.
    Each message keeps its own claim, so a batch re-run after a crash skips what was
    sent; a message that fails is handed to deliver_message with its backoff."""
    from django.core.mail import get_connection

    worker = _worker_name(self)
    outcomes: dict[str, int] = {}
    with get_connection() as connection:
        for message_id in message_ids:
            outcome, countdown = _deliver_one(message_id, worker=worker, connection=connection)
            if countdown is not None:
                deliver_message.apply_async((message_id,), countdown=countdown)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


BATCH = 100


def enqueue_ids(message_ids, *, batch: int = BATCH) -> int:
    """Enqueue many deliveries in batches of `batch` ids over one broker connection
    (bulk producers call this on commit). Returns the number of messages enqueued."""
    from mirasapo.celery import app

    ids = list(message_ids)
    with app.producer_or_acquire() as producer:
        for start in range(0, len(ids), batch):
            chunk = ids[start:start + batch]
            if len(chunk) == 1:
                deliver_message.apply_async((chunk[0],), producer=producer)
            else:
                deliver_batch.apply_async((chunk,), producer=producer)
    return len(ids)


@shared_task(time_limit=300, soft_time_limit=280)
def requeue_pending_messages(now: str | None = None) -> int:
    """Beat job: re-enqueue messages whose enqueue was lost (PENDING for a while) or whose
    sender died (SENDING with an expired lease). Safe to run any time: delivery is guarded."""
    moment = dt.datetime.fromisoformat(now) if now else timezone.now()
    from django.db.models import Q

    ids = list(
        OutboxMessage.objects.filter(
            Q(status=OutboxMessage.Status.PENDING, updated_at__lt=moment - PENDING_GRACE)
            & (Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=moment))
            | Q(status=OutboxMessage.Status.SENDING, lease_expires_at__lt=moment)
        ).order_by("pk").values_list("pk", flat=True)[:20000]
    )
    return enqueue_ids(ids)
