from __future__ import annotations

import socket

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import DeliveryAttempt, OutboxMessage


def _render(message: OutboxMessage) -> tuple[str, str, str]:
    context = {**message.context, "portal_base_url": settings.PORTAL_BASE_URL}
    with translation.override(message.language):
        subject = render_to_string(f"notifications/email/{message.template}_subject.txt", context).strip()
        text = render_to_string(f"notifications/email/{message.template}.txt", context)
        try:
            html = render_to_string(f"notifications/email/{message.template}.html", context)
        except Exception:  # an HTML body is optional
            html = ""
    return " ".join(subject.split()), text, html


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=8,
             time_limit=60, soft_time_limit=50)
def deliver_message(self, message_id: int) -> str:
    """Idempotent: a message already sent is not sent again; a row lock stops two
    workers sending the same message at once."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        if message is None:
            return "locked-or-missing"
        if message.status in (OutboxMessage.Status.SENT, OutboxMessage.Status.CANCELLED):
            return message.status
        subject, text, html = _render(message)
        mail = EmailMultiAlternatives(subject=subject, body=text, to=[message.to_email],
                                      headers={"X-Mirasapo-Message-Id": message.idempotency_key})
        if html:
            mail.attach_alternative(html, "text/html")
        message.attempts += 1
        try:
            mail.send(fail_silently=False)
        except Exception as exc:  # SMTP errors of every kind: record, retry with backoff
            message.last_error = str(exc)[:2000]
            message.status = OutboxMessage.Status.FAILED if message.attempts >= self.max_retries else OutboxMessage.Status.PENDING
            message.save(update_fields=["attempts", "last_error", "status", "updated_at"])
            DeliveryAttempt.objects.create(message=message, succeeded=False, error=str(exc)[:2000], worker=socket.gethostname())
            failed = True
        else:
            message.status = OutboxMessage.Status.SENT
            message.subject = subject
            message.sent_at = timezone.now()
            message.save(update_fields=["attempts", "status", "subject", "sent_at", "updated_at"])
            DeliveryAttempt.objects.create(message=message, succeeded=True, worker=socket.gethostname())
            failed = False
    if failed and message.status == OutboxMessage.Status.PENDING:
        raise self.retry(countdown=min(3600, 30 * 2 ** (message.attempts - 1)))
    return message.status


@shared_task(time_limit=120, soft_time_limit=100)
def requeue_pending_messages() -> int:
    """Beat job: re-enqueue messages still pending a while after creation (a lost enqueue)."""
    cutoff = timezone.now() - timezone.timedelta(minutes=5)
    ids = list(OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, updated_at__lt=cutoff).values_list("pk", flat=True)[:5000])
    for message_id in ids:
        deliver_message.delay(message_id)
    return len(ids)
