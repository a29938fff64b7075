"""Delivery of outbox messages, on the `mail` queue (settings.CELERY_TASK_ROUTES).

Guarantees and their reasoning:

- Nothing is lost. The outbox row is written in the producer's transaction and its id
  published on commit (`publish`, which never raises: a broker outage leaves the row
  unpublished, the write still succeeds); the task is acks_late with
  reject_on_worker_lost, prefetch 1, so a worker that dies mid-task does not ack it; and
  the beat job requeue_pending_messages (the relay, every 10 s) publishes every row never
  published, SENDING with an expired lease (a worker that died), or published but lost
  by the broker — the broker's own redelivery waits for the visibility timeout (2 h,
  longer than any countdown we use: max backoff is 1 h), the relay does not. Once Redis
  is back, the relay's next run (worker and beat reconnect within seconds) drains it.
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
import logging
import socket

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.transitions import transition

from .models import Category, DeliveryAttempt, MailPreference, OutboxMessage

logger = logging.getLogger(__name__)

# Longer than the task's hard time limit: a live sender never loses its lease.
SENDING_LEASE = dt.timedelta(minutes=10)
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
# An unpublished row this old lost its on-commit publish (broker away, process died).
RELAY_GRACE = dt.timedelta(seconds=5)
# A published row still PENDING this long while the broker's mail queue is empty was lost
# by the broker (a Redis restarted without its data).
LOST_GRACE = dt.timedelta(seconds=60)
RELAY_LIMIT = 20000


def enqueue_ids(message_ids, *, batch: int = BATCH) -> int:
    """Enqueue many deliveries in batches of `batch` ids over one broker connection
    (bulk producers call this on commit). Returns the number of messages enqueued.
    Raises when the broker is unreachable; `publish` is the caller that must not."""
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


def publish(message_ids) -> int:
    """Hand committed outbox rows to the broker, after the commit of their cause.

    The row is the commitment, the broker only a doorbell: when Redis is away this logs a
    warning and returns 0 — it never raises into the request whose transaction has
    already committed (that would be a 500 for a write that happened, and a client retry
    would make a duplicate). The rows keep enqueued_at NULL and relay_outbox publishes
    them once the broker is back.
    """
    ids = list(message_ids)
    if not ids:
        return 0
    try:
        enqueue_ids(ids)
    except Exception as exc:  # kombu/redis raise many kinds for "broker unreachable"
        logger.warning("broker unavailable, %d outbox message(s) left for the relay: %s: %s", len(ids), type(exc).__name__, exc)
        return 0
    try:
        OutboxMessage.objects.filter(pk__in=ids).update(enqueued_at=timezone.now())
    except Exception as exc:  # the mark only saves the relay work; a lost mark is harmless
        logger.warning("could not mark %d outbox message(s) as enqueued: %s", len(ids), exc)
    return len(ids)


def broker_queue_length(queue: str = "mail") -> int | None:
    """Messages waiting in the broker's queue (all priority lists), or None if unknown."""
    from mirasapo.celery import app

    try:
        with app.connection_for_write() as conn:
            channel = conn.default_channel
            client = getattr(channel, "client", None)
            if client is None:
                return None
            keys = [queue] + [f"{queue}{channel.sep}{p}" for p in channel.priority_steps if p]
            return sum(int(client.llen(key)) for key in keys)
    except Exception as exc:
        logger.warning("could not read the broker queue length: %s: %s", type(exc).__name__, exc)
        return None


def relay_outbox(now: dt.datetime | None = None) -> int:
    """Publish what the broker should have and has not: rows never published (their
    publish failed), rows whose sender died (SENDING, lease expired), and — when the
    broker's mail queue is empty — rows published long ago and still PENDING (the broker
    lost them). Rows backing off after a failed attempt wait for their retry time.
    Safe any time and from several beat/worker processes: delivery is guarded by the claim."""
    from django.db.models import Q

    moment = now or timezone.now()
    due = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=moment)
    pending = Q(status=OutboxMessage.Status.PENDING) & due
    wanted = (pending & Q(enqueued_at__isnull=True, updated_at__lt=moment - RELAY_GRACE)) | Q(
        status=OutboxMessage.Status.SENDING, lease_expires_at__lt=moment
    )
    if broker_queue_length() == 0:
        wanted |= pending & Q(enqueued_at__lt=moment - LOST_GRACE)
    ids = list(OutboxMessage.objects.filter(wanted).order_by("pk").values_list("pk", flat=True)[:RELAY_LIMIT])
    if not ids:
        return 0
    sent = publish(ids)
    if sent:
        logger.info("relay published %d outbox message(s)", sent)
    return sent


@shared_task(time_limit=300, soft_time_limit=280, expires=60)
def requeue_pending_messages(now: str | None = None) -> int:
    """Beat job (every RELAY_INTERVAL seconds, notifications/schedule.py): the relay."""
    return relay_outbox(dt.datetime.fromisoformat(now) if now else None)
