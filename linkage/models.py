"""Data linkage with partner systems (seed 001 §2-3, §2-4).

A partner system (a 商工会's or 商工会議所's カルテ system) is a PartnerClient of one
institution, holding a hashed key and the record kinds it may send. Every delivery, by
API or CSV, is an IntakeBatch; each record in it leaves an IntakeItem saying what became
of it. PartnerRecord remembers which of our rows a partner's own record id stands for,
so that a record sent twice updates instead of duplicating. Records that name matching
(名寄せ) could not settle wait as ReviewItems for agency staff. MatchIndex holds the
normalised name and address of every business for candidate search (pg_trgm).

The rows written into companies.FinancialYear and institutions.SupportRecord carry
source=PARTNER and source_detail "partner:<institution> batch:<id> at:<time>", so the
consent rules of the channel they came through can be applied to them downstream.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel


class RecordKind(models.TextChoices):
    FINANCIALS = "financials", _("Financials of a fiscal year")
    SUPPORT_RECORDS = "support_records", _("Consultation and support records")


class PartnerClient(TimeStampedModel):
    """A partner system's credentials. The key is shown once and stored as SHA-256:
    it has 256 bits of entropy, so a slow password hash would add nothing."""

    institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("institution"))
    name = models.CharField(_("name"), max_length=200)
    key_prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = ArrayField(models.CharField(max_length=20, choices=RecordKind.choices), verbose_name=_("scopes"))
    is_active = models.BooleanField(default=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class IntakeBatch(TimeStampedModel):
    class Channel(models.TextChoices):
        API = "api", _("API")
        CSV = "csv", _("CSV file")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("institution"))
    client = models.ForeignKey(PartnerClient, null=True, blank=True, on_delete=models.PROTECT, related_name="batches")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    idempotency_key = models.CharField(max_length=255, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    record_count = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "idempotency_key"], condition=~Q(idempotency_key=""),
                                    name="linkage_batch_idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return f"batch {self.pk}"

    @property
    def source_detail(self) -> str:
        return f"partner:{self.institution_id} batch:{self.pk} at:{self.created_at:%Y-%m-%dT%H:%M:%S%z}"


class Outcome(models.TextChoices):
    CREATED = "created", pgettext_lazy("linkage", "Created")
    UPDATED = "updated", pgettext_lazy("linkage", "Updated")
    UNCHANGED = "unchanged", pgettext_lazy("linkage", "Unchanged")
    REVIEW = "review", pgettext_lazy("linkage", "Waiting for review")
    UNMATCHED = "unmatched", pgettext_lazy("linkage", "No matching business")
    KEPT = "kept", pgettext_lazy("linkage", "Kept the business's own entry")


class MatchMethod(models.TextChoices):
    CORPORATE_NUMBER = "corporate_number", pgettext_lazy("linkage", "Corporate number")
    LINK = "link", pgettext_lazy("linkage", "Earlier record with the same id")
    NAME_ADDRESS = "name_address", pgettext_lazy("linkage", "Name and address")
    REVIEW = "review", pgettext_lazy("linkage", "Confirmed by agency staff")
    NONE = "none", pgettext_lazy("linkage", "None")


class IntakeItem(models.Model):
    """What became of one record of a batch. Holds identifiers, not the data."""

    batch = models.ForeignKey(IntakeBatch, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(help_text="index in the API batch, or line number in the CSV file")
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    record_id = models.CharField(max_length=100)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    method = models.CharField(max_length=20, choices=MatchMethod.choices, default=MatchMethod.NONE)
    business = models.ForeignKey("companies.Business", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    score = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["batch_id", "position"]
        indexes = [models.Index(fields=["batch", "outcome"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.record_id}: {self.outcome}"


class PartnerRecord(TimeStampedModel):
    """A partner's record id → the business and the row it became."""

    institution = models.ForeignKey("institutions.Institution", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    record_id = models.CharField(max_length=100)
    business = models.ForeignKey("companies.Business", on_delete=models.CASCADE, related_name="+")
    financial_year = models.ForeignKey("companies.FinancialYear", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    support_record = models.ForeignKey("institutions.SupportRecord", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    last_batch = models.ForeignKey(IntakeBatch, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["institution", "kind", "record_id"], name="linkage_partner_record_unique"),
        ]


class ReviewItem(TimeStampedModel):
    """A record whose business name matching could not settle, for agency staff."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        CONFIRMED = "confirmed", _("Linked")
        REJECTED = "rejected", _("Rejected")
        SUPERSEDED = "superseded", _("Settled by a later record")

    batch = models.ForeignKey(IntakeBatch, on_delete=models.PROTECT, related_name="review_items")
    institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    record_id = models.CharField(max_length=100)
    # The partner's identification of the business, as sent (shown to the reviewer).
    name = models.CharField(_("name"), max_length=200)
    prefecture = models.CharField(_("prefecture"), max_length=2, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    payload = models.JSONField(help_text="the cleaned record, applied when confirmed")
    candidates = models.JSONField(default=list, help_text="[{business_id, score}] best first")
    score = models.FloatField()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    business = models.ForeignKey("companies.Business", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "kind", "record_id"], condition=Q(status="pending"),
                                    name="linkage_review_one_pending_per_record"),
        ]


class MatchIndex(models.Model):
    """Normalised identity of a business, refreshed by linkage.services.match_index_refresh."""

    business = models.OneToOneField("companies.Business", primary_key=True, on_delete=models.CASCADE, related_name="+")
    prefecture = models.CharField(max_length=2)
    name_norm = models.CharField(max_length=200)
    legal_form = models.CharField(max_length=20, blank=True)
    municipality_norm = models.CharField(max_length=100, blank=True)
    town_norm = models.CharField(max_length=200, blank=True)
    block = models.CharField(max_length=50, blank=True)
    source_updated_at = models.DateTimeField()

    class Meta:
        indexes = [
            # fastupdate off: a pending list makes every trigram search scan it (60x slower after a bulk refresh).
            # (prefecture, name trigrams) in one GIN index (btree_gin): a probe rechecks only
            # names of its own prefecture, six times fewer than a name-only index.
            GinIndex(fields=["prefecture", "name_norm"], name="linkage_match_pref_trgm",
                     opclasses=["varchar_ops", "gin_trgm_ops"], fastupdate=False),
            models.Index(fields=["prefecture", "name_norm"], name="linkage_match_pref_name"),
            models.Index(fields=["prefecture", "municipality_norm", "block"], name="linkage_match_pref_block"),
        ]

    def __str__(self) -> str:
        return self.name_norm
