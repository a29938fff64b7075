"""Shared pieces: the timestamped base model and the append-only audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:  # noqa: D102 - append-only
        raise PermissionError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    """One row per consent change, disclosure, release of data and extract.

    Append-only twice over: the ORM refuses update/delete here, and a PostgreSQL
    trigger (migration 0002) refuses UPDATE and DELETE on the table. Rows hold
    identifiers and old/new values of choices, never copies of personal data.
    """

    class Kind(models.TextChoices):
        CONSENT_CHANGED = "consent.changed", _("Consent changed")
        CONSENT_RECEIPT = "consent.receipt", _("Consent receipt issued")
        INSTITUTION_BLOCKED = "consent.institution_blocked", _("Institution blocked")
        INSTITUTION_UNBLOCKED = "consent.institution_unblocked", _("Institution unblocked")
        DATA_RELEASED = "data.released", _("Data released")
        DISCLOSURE_REQUESTED = "disclosure.requested", _("Disclosure requested")
        DISCLOSURE_DECIDED = "disclosure.decided", _("Disclosure decided")  # rows before approved/rejected
        DISCLOSURE_APPROVED = "disclosure.approved", _("Disclosure approved")
        DISCLOSURE_REJECTED = "disclosure.rejected", _("Disclosure rejected")
        DISCLOSURE_REVOKED = "disclosure.revoked", _("Disclosure revoked")
        DISCLOSURE_EXPIRED = "disclosure.expired", _("Disclosure expired")
        EXTRACT_DOWNLOADED = "research.extract", _("Research extract downloaded")
        PLEDGE_DECIDED = "research.pledge", _("Research pledge decided")
        APPLICATION_SUBMITTED = "application.submitted", _("Application submitted")
        APPLICATION_REVIEWED = "application.reviewed", _("Application reviewed")
        APPLICATION_RETURNED = "application.returned", _("Application returned for correction")
        APPLICATION_WITHDRAWN = "application.withdrawn", _("Application withdrawn")
        RECORD_IMPORTED = "linkage.imported", _("Records imported")
        MEMBER_CHANGED = "accounts.member", _("Member changed")  # rows before added/permissions/removed
        MEMBER_ADDED = "accounts.member_added", _("Member added")
        MEMBER_PERMISSIONS_CHANGED = "accounts.member_permissions", _("Member's permissions changed")
        MEMBER_REMOVED = "accounts.member_removed", _("Member removed")
        API_TOKEN_ISSUED = "accounts.api_token_issued", _("API token issued")
        API_TOKEN_REVOKED = "accounts.api_token_revoked", _("API token revoked")
        DOCUMENT_UPLOADED = "document.uploaded", _("Document uploaded")
        DOCUMENT_ATTACHED = "document.attached", _("Document attached to an application")
        DOCUMENT_DETACHED = "document.detached", _("Document removed from an application")
        DOCUMENT_READ = "document.read", _("Document read")
        SUPPORT_PLAN_STATUS = "supportplan.status", _("Support plan (form 4) request changed")
        SUPPORT_PLAN_COMMENTED = "supportplan.comment", _("Support plan (form 4) comment")
        APPLICATION_SCORED = "application.scored", _("Application scored")
        AWARD_STEP = "award.step", _("Award step (grant, report, confirmation, payment)")
        AWARD_LEDGER = "award.ledger", _("Expense ledger changed")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=40, choices=Kind.choices, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    business_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    institution_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    policy_version = models.CharField(max_length=20, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["business_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


class StatusChangeQuerySet(models.QuerySet["StatusChange"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The status history is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The status history is append-only.")


class StatusChange(models.Model):
    """One row per status change of any registered model, written by core.transitions in
    the transaction of the change: who moved what from which status to which, and why.

    Append-only like AuditEvent (ORM and a PostgreSQL trigger, migration 0004). The
    domain's own audit events (a disclosure decided, an application submitted) carry
    the domain's data; this row is what every lifecycle has in common.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    model = models.CharField(max_length=60, help_text="app_label.model_name")
    object_id = models.CharField(max_length=60)
    field = models.CharField(max_length=40, default="status")
    from_status = models.CharField(max_length=30)
    to_status = models.CharField(max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200, blank=True)

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["model", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.model}#{self.object_id}: {self.from_status} → {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The status history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The status history is append-only.")


class IdempotentRequest(models.Model):
    """The first successful answer to a state-changing API call sent with an
    Idempotency-Key (api.md): a retry with the same key and body gets it again, and
    nothing runs twice. Scoped to the caller; kept IDEMPOTENCY_KEY_TTL_HOURS."""

    scope = models.CharField(max_length=100, help_text="who sent it: a hash of the credentials, or the signed-in user")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path, query and body")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status_code = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=200)
    body = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotent_request_unique")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"
