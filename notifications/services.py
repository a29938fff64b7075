"""Writing mail to the outbox. Callers pass a template name and a JSON-able context of
identifiers and display strings; the task renders in the recipient's language."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction

from core import pagecache
from core.transitions import transition_many

from .links import ALL_OPTIONAL, read_unsubscribe_token
from .models import Category, MailPreference, Notice, OutboxMessage
from .tasks import publish


def mail_enqueue(*, to_user=None, to_email: str | None = None, template: str, context: dict[str, Any],
                 idempotency_key: str, category: str = "", language: str | None = None,
                 business_id: int | None = None) -> OutboxMessage:
    """Write an outbox row in the caller's transaction; enqueue its delivery on commit.

    A mail about a business's data names the business (`business_id`): its context is
    released through consent.projection to the addressee as the business's own records
    (purpose 3, recipient 7), so an item of the business reaches only its own users and
    a person who is not (any longer) one of them gets the mail without it.
    The same idempotency key twice gives the one existing message (no double mail).
    """
    if business_id is not None:
        from consent.access import PURPOSE_APPLICANT_RECORDS
        from consent.projection import project

        context = project(context, viewer=to_user, purpose=PURPOSE_APPLICANT_RECORDS, business_id=business_id,
                          schema="notifications.outboxmessage.context").data
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
        # After commit, and never raising: see tasks.publish (the row is the commitment).
        transaction.on_commit(lambda: publish([message.pk]))
    return message


_BULK_COLUMNS = ("idempotency_key", "recipient_user_id", "to_email", "language", "template", "context", "category")


def mail_enqueue_bulk(rows: list[dict], *, batch_size: int = 20000) -> int:
    """Write many outbox rows at once (digests); enqueue the new ones on commit, in batches.

    Each row: to_user_id, to_email, language, template, context, idempotency_key, category.
    The rows go through COPY into a temporary table and one
    INSERT ... ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, so a rerun (or a
    concurrent producer) adds nothing for keys already there, and only the ids actually
    written are enqueued. (The ORM's bulk_create binds every value client-side and is
    ~50x slower here; bench/mail.py measures this path.)
    Returns the number of messages written and enqueued by this call.
    """
    import json

    from django.db import connection

    table = OutboxMessage._meta.db_table
    ids: list[int] = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS outbox_bulk_load (idempotency_key text, recipient_user_id bigint, "
                "to_email text, language text, template text, context jsonb, category text) ON COMMIT DROP"
            )
            for start in range(0, len(rows), batch_size):
                cursor.execute("TRUNCATE outbox_bulk_load")
                with cursor.cursor.copy(f"COPY outbox_bulk_load ({', '.join(_BULK_COLUMNS)}) FROM STDIN") as copy:
                    for row in rows[start:start + batch_size]:
                        copy.write_row((row["idempotency_key"], row.get("to_user_id"), row["to_email"], row.get("language") or "ja",
                                        row["template"], json.dumps(row["context"], ensure_ascii=False), row.get("category", "")))
                cursor.execute(
                    f"INSERT INTO {table} (idempotency_key, recipient_user_id, to_email, language, template, context, category, "  # noqa: S608
                    "subject, status, attempts, last_error, created_at, updated_at) "
                    "SELECT idempotency_key, recipient_user_id, to_email, language, template, context, category, "
                    "'', %s, 0, '', now(), now() FROM outbox_bulk_load ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
                    [OutboxMessage.Status.PENDING],
                )
                ids.extend(r[0] for r in cursor.fetchall())
        transaction.on_commit(lambda: publish(ids))
    return len(ids)


# --- preferences and one-click unsubscribe (the links are in links.py) -------------------------

def mail_preference_of(user) -> MailPreference:
    return MailPreference.objects.filter(user=user).first() or MailPreference(user=user)


@transaction.atomic
def mail_preference_update(*, user, **choices: bool) -> MailPreference:
    unknown = set(choices) - set(Category.values)
    if unknown:
        raise ValueError(f"unknown mail categories: {sorted(unknown)}")
    preference, _created = MailPreference.objects.select_for_update().get_or_create(user=user)
    for category, value in choices.items():
        setattr(preference, category, bool(value))
    preference.save()
    return preference


@transaction.atomic
def mail_unsubscribe(*, token: str) -> tuple[int, str]:
    """One click, no sign-in: the signed token names the user and what to stop.
    Raises signing.BadSignature for a forged or expired token."""
    user_id, category = read_unsubscribe_token(token)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise signing.BadSignature("unknown user")
    categories = Category.values if category == ALL_OPTIONAL else [category]
    mail_preference_update(user=user, **{c: False for c in categories})
    # Pending optional mail of that kind is not sent any more.
    transition_many(OutboxMessage.objects.filter(recipient_user_id=user_id, category__in=categories,
                                                 status=OutboxMessage.Status.PENDING),
                    to=OutboxMessage.Status.CANCELLED, reason="recipient unsubscribed",
                    values={"last_error": "recipient unsubscribed"})
    return user_id, category


def notice_post(*, user, key: str, kind: str, url: str = "") -> Notice:
    """An お知らせ for `user` in the caller's transaction; the same key twice is the one notice."""
    notice, _created = Notice.objects.get_or_create(key=key, defaults={"user": user, "kind": kind, "url": url})
    return notice


def notices_mark_read(*, user) -> int:
    """The user opened the list: every notice of theirs is read."""
    from django.utils import timezone

    marked = Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    if marked:  # the unread count in the header of the user's cached pages (accounts.mypage)
        pagecache.touch(pagecache.user_scope(user.pk))
    return marked
