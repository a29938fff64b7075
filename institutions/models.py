"""Support institutions (支援機関, seed 003 ※3): their profile is data class 12."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


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
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(default=True)

    DATA_CLASSES = {f: 12 for f in ["name", "kind", "prefecture", "municipality", "services", "qualifications", "specialties", "description"]}

    def __str__(self) -> str:
        return self.name
