"""Support institutions (支援機関, seed 003 ※3): their profile is data class 12."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from consent.registry import SUPPORT_INSTITUTION, SUPPORT_RECORD
from core.japanese import search_document
from core.models import TimeStampedModel
from core.search_fields import search_vector_field


class Institution(TimeStampedModel):
    class Kind(models.TextChoices):
        SPECIAL_CORPORATION = "special_corporation", _("Special corporation (e.g. Japan Finance Corporation)")
        SHOKOKAI = "shokokai", _("Society of commerce and industry (商工会)")
        CHAMBER = "chamber", _("Chamber of commerce and industry (商工会議所)")
        YOROZU = "yorozu", _("Yorozu support centre (よろず支援拠点)")
        CERTIFIED_SUPPORTER = "certified_supporter", _("Certified management innovation supporter (認定経営革新等支援機関)")
        EXPERT_119 = "expert_119", _("SME 119 expert / regional platform")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    prefecture = models.CharField(_("prefecture"), max_length=2, db_index=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    services = models.TextField(_("services"), blank=True)
    qualifications = models.TextField(_("qualifications"), blank=True)
    specialties = models.CharField(_("specialties"), max_length=300, blank=True)
    description = models.TextField(pgettext_lazy("institution", "description"), blank=True)
    certification_id = models.CharField(_("certification ID"), max_length=30, blank=True,
                                        help_text=_("For a certified supporter: the 認定支援機関 ID."))
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(default=True)
    # The search document of 支援者検索 (core.japanese.search_document; programs/search.py),
    # built from the profile at every save.
    search_tokens = ArrayField(models.TextField(), default=list, blank=True, editable=False)
    search_vector = search_vector_field()

    DATA_CLASSES = {
        f: SUPPORT_INSTITUTION
        for f in ["name", "kind", "prefecture", "municipality", "services", "qualifications", "specialties",
                  "description", "certification_id", "website", "search_tokens", "search_vector"]
    }

    class Meta:
        ordering = ["prefecture", "name", "id"]
        indexes = [models.Index(fields=["is_active", "prefecture", "kind"]),
                   GinIndex(fields=["search_vector"], name="institution_search_vector")]

    def refresh_search_tokens(self) -> None:
        self.search_tokens = search_document(self.name, self.get_kind_display(), self.municipality, self.services,
                                             self.specialties, self.description, self.qualifications)

    def save(self, *args, **kwargs):
        self.refresh_search_tokens()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_tokens"}
        super().save(*args, **kwargs)

    @property
    def specialty_list(self) -> list[str]:
        return [s.strip() for s in self.specialties.replace("、", ",").split(",") if s.strip()]

    def __str__(self) -> str:
        return self.name


class SupportRecord(TimeStampedModel):
    """Class 13: a consultation or support an institution gave a business. Entered by the
    institution or received from a partner system (linkage), with its provenance."""

    class Source(models.TextChoices):
        INSTITUTION = "institution", _("Entered by the institution")
        PARTNER = "partner", _("From a partner system")
        DEMO = "demo", _("Demo data")

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="support_records")
    business = models.ForeignKey("companies.Business", on_delete=models.CASCADE, related_name="support_records")
    supported_on = models.DateField(_("date"))
    theme = models.CharField(_("theme"), max_length=100)
    summary = models.TextField(_("summary"), blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.INSTITUTION)
    source_detail = models.CharField(max_length=200, blank=True, help_text="partner, batch and partner record id")
    partner_record_id = models.CharField(max_length=100, blank=True)
    # The company as the institution itself recorded it (the name it chose or sent, or the
    # 法人番号 it sent): its own records show this when the company's approval has ended.
    recorded_name = models.CharField(_("company as recorded"), max_length=200, blank=True)

    DATA_CLASSES = {"supported_on": SUPPORT_RECORD, "theme": SUPPORT_RECORD, "summary": SUPPORT_RECORD, "recorded_name": SUPPORT_RECORD}

    class Meta:
        indexes = [models.Index(fields=["business", "-supported_on"])]
        constraints = [
            models.UniqueConstraint(fields=["institution", "partner_record_id"], condition=~models.Q(partner_record_id=""),
                                    name="support_record_partner_id_unique"),
        ]
