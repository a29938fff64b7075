"""The parts of the business record (個社情報) and the fields each part shows and edits.

One table used by the record pages, the services that write the record and the
applications' pre-fill, so that a field has one label, one data class and one model.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import (
    Business,
    BusinessPlan,
    BusinessProfile,
    Challenge,
    ContactPerson,
    FinancialYear,
    JointApplicant,
    Succession,
)


@dataclass(frozen=True)
class Part:
    key: str
    label: str | Promise
    model: type[models.Model]
    fields: tuple[str, ...]
    data_class: int
    many: bool = False  # several rows per business (per fiscal year, per partner, per theme)


PARTS: dict[str, Part] = {
    p.key: p
    for p in [
        Part("identity", _("Identity and attributes"), Business, (
            "name", "name_kana", "prefecture", "municipality", "address", "representative_name",
            "representative_birth_date", "phone", "employees", "capital", "offices", "founded_year", "industry_jsic",
        ), 1),
        Part("joint", _("Joint applicants and affiliations"), JointApplicant, ("name", "corporate_number", "relationship"), 2, many=True),
        Part("profile", _("Business profile"), BusinessProfile, (
            "description", "main_products", "customers", "suppliers", "patents", "shareholders", "consumption_tax_status",
        ), 3),
        Part("succession", _("Succession"), Succession, ("form", "status", "successor_name", "successor_relationship"), 4),
        Part("contact", _("Contact person"), ContactPerson, ("name", "department", "phone", "email"), 5),
        Part("financials", _("Financials"), FinancialYear, (
            "fiscal_year", "sales", "gross_profit", "operating_profit", "ordinary_profit", "net_income", "depreciation",
            "personnel_cost", "total_assets", "net_assets", "interest_bearing_debt", "employees",
        ), 6, many=True),
        Part("plan", _("Business plan"), BusinessPlan, ("overview", "market", "strengths", "management_policy"), 7),
        Part("challenges", _("Challenges"), Challenge, ("theme", "description"), 11, many=True),
    ]
}

ONE_TO_ONE_RELATED = {"profile": "profile", "succession": "succession", "contact": "contact_person", "plan": "business_plan"}


def field_label(model: type[models.Model], field: str) -> str:
    found = model._meta.get_field(field)
    return str(found.verbose_name) if isinstance(found, models.Field) else field
