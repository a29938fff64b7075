"""Disclosure requests from support institutions and the access log (seed 000, データの悪用防止 ①).

A support institution sees a company's named, detailed data only while the company has
approved the institution's request. The approval itself is a consent.InstitutionGrant
(written by consent.services); the request here carries the conversation around it: who
asked, why, for which classes and until when, and what the company decided.

Rows are only written by disclosure.services; status changes go through one transition
function with an allowed-transition map.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel


class DisclosureRequest(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the company's answer")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", pgettext_lazy("disclosure request", "Rejected")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    class Via(models.TextChoices):
        NUMBER = "number", _("By corporate number")
        LIST = "list", _("From the anonymised list")
        # The business itself asked the institution for a service that needs its data (a
        # 様式4) and approved the disclosure in the same step (supportplans).
        APPLICANT = "applicant", _("Asked by the business")

    institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT, related_name="disclosure_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    via = models.CharField(max_length=10, choices=Via.choices)
    # What the institution typed (via=number); blank when it chose an anonymised row.
    corporate_number = models.CharField(max_length=13, blank=True, db_index=True)
    # NULL when the number belongs to no registered business: such a request is kept and
    # answered exactly like one the company ignores, so its status reveals nothing.
    business = models.ForeignKey("companies.Business", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="disclosure_requests")
    # True when the business has blocked the institution: never shown to the business.
    hidden = models.BooleanField(default=False)
    purpose = models.PositiveSmallIntegerField(_("purpose"))
    data_classes = ArrayField(models.PositiveSmallIntegerField(), verbose_name=_("data classes"))
    approved_data_classes = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)
    valid_until = models.DateField(_("valid until"))
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["institution", "status"]),
            models.Index(fields=["business", "status"]),
            models.Index(fields=["status", "valid_until"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(via="number") | ~Q(corporate_number=""), name="request_number_when_via_number"),
            models.CheckConstraint(condition=~Q(via="list") | Q(business__isnull=False), name="request_business_when_via_list"),
        ]

    def __str__(self) -> str:
        return f"DisclosureRequest {self.pk} ({self.status})"

    @property
    def effective_status(self) -> str:
        """The status as of today: an approval (or an unanswered request) past its date has
        ended even if the beat job has not closed it yet."""
        if self.status in (self.Status.APPROVED, self.Status.PENDING) and self.valid_until < timezone.localdate():
            return self.Status.EXPIRED
        return self.status

    @property
    def effective_status_label(self) -> str | Promise:
        return self.Status(self.effective_status).label

    @property
    def is_in_force(self) -> bool:
        return self.effective_status == self.Status.APPROVED


class AccessLogEntry(models.Model):
    """One read of a business's data by a support institution (the company's data tracker).
    Written in the same transaction as the audit row of the release (audit_event_id)."""

    class Channel(models.TextChoices):
        PAGE = "page", _("Web page")
        API = "api", _("API")

    business = models.ForeignKey("companies.Business", on_delete=models.CASCADE, related_name="access_log")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    data_classes = ArrayField(models.PositiveSmallIntegerField())
    purpose = models.PositiveSmallIntegerField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    disclosure_request = models.ForeignKey(DisclosureRequest, null=True, on_delete=models.SET_NULL, related_name="reads")
    audit_event_id = models.BigIntegerField()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["business", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.institution_id} → {self.business_id} {self.data_classes}"


class InstitutionBlock(models.Model):
    """A business refuses every request of an institution. The institution is not told:
    its later requests are accepted and lapse unanswered, like those of any silent company."""

    business = models.ForeignKey("companies.Business", on_delete=models.CASCADE, related_name="institution_blocks")
    institution = models.ForeignKey("institutions.Institution", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["business", "institution"], name="institution_block_unique")]

    def __str__(self) -> str:
        return f"{self.business_id} blocks {self.institution_id}"
