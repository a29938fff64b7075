"""Writing mail to the outbox. Callers pass a template name and a JSON-able context of
identifiers and display strings; the task renders in the recipient's language."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from .models import OutboxMessage


def mail_enqueue(*, to_user=None, to_email: str | None = None, template: str, context: dict[str, Any],
                 idempotency_key: str, category: str = "", language: str | None = None) -> OutboxMessage:
    """Write an outbox row in the caller's transaction; enqueue its delivery on commit.

    The same idempotency key twice gives the one existing message (no double mail).
    """
    email = to_email or (to_user.email if to_user is not None else None)
    if not email:
        raise ValueError("mail_enqueue needs to_user or to_email")
    lang = language or getattr(to_user, "preferred_language", None) or "ja"
    with transaction.atomic():
        existing = OutboxMessage.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                message = OutboxMessage.objects.create(
                    idempotency_key=idempotency_key, recipient_user=to_user, to_email=email, language=lang,
                    template=template, context=context, category=category,
                )
        except IntegrityError:
            return OutboxMessage.objects.get(idempotency_key=idempotency_key)
        from .tasks import deliver_message

        message_id = message.pk
        transaction.on_commit(lambda: deliver_message.delay(message_id))
    return message
