"""The data-utilisation policy as data, and each business's narrowing of it.

Only consent.access and consent.services read or write these models; other apps import
consent.access (a lint rule and tests/test_architecture.py enforce this).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class PolicyVersion(TimeStampedModel):
    """A version of the policy: kept, never overwritten. The one in force is the latest
    whose effective date has come."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    effective_from = models.DateField(_("effective from"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return f"{self.title} {self.version}"


class DataClass(models.Model):
    policy = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="data_classes")
    code = models.PositiveSmallIntegerField()
    slug = models.SlugField()
    name_ja = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    definition_ja = models.TextField(blank=True)
    examples_ja = models.TextField(blank=True)

    # Set per request by consent.selectors.policy_view, in the active language (not columns).
    name: str

    class Meta:
        ordering = ["policy_id", "code"]
        constraints = [models.UniqueConstraint(fields=["policy", "code"], name="data_class_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name_ja}"


class Recipient(models.Model):
    policy = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="recipients")
    code = models.PositiveSmallIntegerField()
    slug = models.SlugField()
    name_ja = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    note_ja = models.TextField(blank=True)

    # Set per request by consent.selectors.policy_view, in the active language (not columns).
    name: str
    short: str | Promise
    condition: str

    class Meta:
        ordering = ["policy_id", "code"]
        constraints = [models.UniqueConstraint(fields=["policy", "code"], name="recipient_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name_ja}"


class Purpose(models.Model):
    policy = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="purposes")
    code = models.PositiveSmallIntegerField()
    slug = models.SlugField()
    name_ja = models.TextField()
    name_en = models.TextField()
    plain_ja = models.TextField(blank=True, help_text="The purpose in plain words for business owners.")
    plain_en = models.TextField(blank=True, help_text="The same in English.")
    data_classes = ArrayField(models.PositiveSmallIntegerField())
    recipients = ArrayField(models.PositiveSmallIntegerField())

    # Set per request by consent.selectors.policy_view, in the active language (not columns).
    name: str
    plain: str
    short: str | Promise

    class Meta:
        ordering = ["policy_id", "code"]
        constraints = [models.UniqueConstraint(fields=["policy", "code"], name="purpose_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name_ja}"


class Narrowing(models.Model):
    """A business denies (data class, recipient) for every purpose (purpose NULL) or one."""

    business = models.ForeignKey("companies.Business", on_delete=models.CASCADE, related_name="consent_narrowings")
    data_class = models.PositiveSmallIntegerField()
    recipient = models.PositiveSmallIntegerField()
    purpose = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["business", "data_class", "recipient", "purpose"], nulls_distinct=False, name="narrowing_unique"
            ),
            models.CheckConstraint(condition=Q(data_class__gte=1, data_class__lte=13), name="narrowing_class_range"),
            models.CheckConstraint(condition=Q(recipient__gte=1, recipient__lte=8), name="narrowing_recipient_range"),
            models.CheckConstraint(condition=Q(purpose__isnull=True) | Q(purpose__gte=1, purpose__lte=9), name="narrowing_purpose_range"),
        ]
        indexes = [models.Index(fields=["data_class", "recipient"])]

    def __str__(self) -> str:
        return f"{self.business_id}: {self.data_class}→{self.recipient} ({self.purpose or '*'})"


class InstitutionGrant(TimeStampedModel):
    """A business's approval of a support institution's disclosure request: recipient 5
    may use the listed classes for the purpose, from valid_from to valid_until inclusive,
    unless revoked. Written only by consent.services, called by the disclosure app."""

    business = models.ForeignKey("companies.Business", on_delete=models.CASCADE, related_name="institution_grants")
    institution = models.ForeignKey("institutions.Institution", on_delete=models.CASCADE, related_name="grants")
    purpose = models.PositiveSmallIntegerField()
    data_classes = ArrayField(models.PositiveSmallIntegerField())
    valid_from = models.DateField()
    valid_until = models.DateField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    disclosure_request_id = models.BigIntegerField(unique=True)

    class Meta:
        indexes = [models.Index(fields=["business", "institution"])]
        constraints = [models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")), name="grant_dates_ordered")]


class ConsentChange(models.Model):
    """One change of a business's narrowings: who, when, the full set before and after,
    and the policy version (and so the policy text) shown when the choice was made.

    Kept, never edited: `consent.selectors.consent_as_of` answers "what had we allowed
    on that date?" from these rows. `before`/`after` are lists of
    {"data_class", "recipient", "purpose"} (purpose null = every purpose).
    """

    class Source(models.TextChoices):
        PAGE = "page", _("Consent page")
        API = "api", _("API")
        SYSTEM = "system", _("System")

    business = models.ForeignKey("companies.Business", on_delete=models.CASCADE, related_name="consent_changes")
    at = models.DateTimeField(_("changed at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    policy = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.PAGE)
    before = models.JSONField(default=list)
    after = models.JSONField(default=list)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["business", "-at"])]

    def __str__(self) -> str:
        return f"{self.business_id} {self.at:%Y-%m-%d %H:%M}"
