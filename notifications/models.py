"""The mail outbox: one row per message, written in the transaction that decided to send it.

A message is delivered by notifications.tasks.deliver_message (enqueued on commit) and
re-queued by a beat job while still pending, so nothing is lost; its idempotency key
makes every producer safe to retry, and the status guard makes delivery happen once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel


class OutboxMessage(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", pgettext_lazy("mail", "Failed")
        CANCELLED = "cancelled", _("Cancelled")

    idempotency_key = models.CharField(max_length=200, unique=True)
    recipient_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_email = models.EmailField()
    language = models.CharField(max_length=5, default="ja")
    template = models.CharField(max_length=100, help_text="notifications/email/<template>_subject.txt, .txt, .html")
    context = models.JSONField(default=dict)
    subject = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    category = models.CharField(max_length=40, blank=True, db_index=True)
    # SENDING: set, in its own committed transaction, just before the message is handed to
    # SMTP; a SENDING row whose lease has run out belongs to a worker that died.
    # PENDING after a failed attempt: the earliest retry time (see tasks.py).
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # When the delivery task was last handed to the broker; NULL while it never was (the
    # broker was away at commit): the relay (tasks.relay_outbox) publishes those rows.
    enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["enqueued_at", "updated_at"], condition=models.Q(status="pending"), name="outbox_pending_relay_idx"),
        ]

    @property
    def message_id_header(self) -> str:
        """A stable RFC 5322 Message-ID: a re-send after a crash carries the same id,
        so a receiving system can drop the duplicate."""
        import hashlib

        digest = hashlib.sha256(self.idempotency_key.encode()).hexdigest()[:32]
        return f"<{digest}.{self.pk}@mirasapo.jp>"


class DeliveryAttempt(models.Model):
    """A record of each attempt to hand a message to the mail server."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="delivery_attempts")
    at = models.DateTimeField(auto_now_add=True)
    succeeded = models.BooleanField()
    error = models.TextField(blank=True)
    worker = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.message_id} {'ok' if self.succeeded else 'failed'} @ {self.at}"


class Category(models.TextChoices):
    """Optional mail a user may switch off (transactional notices have no category here)."""

    PROGRAM_ALERT = "program_alert", _("New programs that match my business")
    SAVED_SEARCH = "saved_search", _("New programs matching my saved searches")
    DEADLINE = "deadline", _("Deadline reminders for saved programs and drafts")
    DIGEST = "digest", _("Weekly digest")


class MailPreference(TimeStampedModel):
    """What one user chooses to receive. No row means the defaults (all on)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_preference")
    program_alert = models.BooleanField(Category.PROGRAM_ALERT.label, default=True)
    saved_search = models.BooleanField(Category.SAVED_SEARCH.label, default=True)
    deadline = models.BooleanField(Category.DEADLINE.label, default=True)
    digest = models.BooleanField(Category.DIGEST.label, default=True)

    def __str__(self) -> str:
        return f"mail preference of {self.user_id}"

    def allows(self, category: str) -> bool:
        return bool(getattr(self, category, True)) if category in Category.values else True


class Notice(models.Model):
    """An お知らせ in the portal beside the mail: one per user and event (`key`, the same
    idempotency key as the mail where there is one), unread until the user opens the list.
    It names the event (`kind`) and where to look; no business data is copied into it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user"], condition=models.Q(read_at__isnull=True), name="notice_unread_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"
