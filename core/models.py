"""Shared pieces: the timestamped base model and the append-only audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: D102 - append-only
        raise PermissionError("The audit log is append-only.")

    def delete(self):
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
        DATA_RELEASED = "data.released", _("Data released")
        DISCLOSURE_REQUESTED = "disclosure.requested", _("Disclosure requested")
        DISCLOSURE_DECIDED = "disclosure.decided", _("Disclosure decided")
        DISCLOSURE_REVOKED = "disclosure.revoked", _("Disclosure revoked")
        DISCLOSURE_EXPIRED = "disclosure.expired", _("Disclosure expired")
        DISCLOSURE_VIEWED = "disclosure.viewed", _("Company data viewed")
        EXTRACT_DOWNLOADED = "research.extract", _("Research extract downloaded")
        PLEDGE_DECIDED = "research.pledge", _("Research pledge decided")
        APPLICATION_SUBMITTED = "application.submitted", _("Application submitted")
        APPLICATION_REVIEWED = "application.reviewed", _("Application reviewed")
        RECORD_IMPORTED = "linkage.imported", _("Records imported")
        MEMBER_CHANGED = "accounts.member", _("Member changed")
        DOCUMENT_UPLOADED = "document.uploaded", _("Document uploaded")
        DOCUMENT_ATTACHED = "document.attached", _("Document attached to an application")
        DOCUMENT_DETACHED = "document.detached", _("Document removed from an application")
        DOCUMENT_READ = "document.read", _("Document read")

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

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")
