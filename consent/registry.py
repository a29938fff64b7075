"""Which data class each field belongs to: the one registry every app uses.

Models declare `DATA_CLASSES = {field_name: class_code}` beside their fields; this module
reads those declarations, so a field and its class are written in one place. The item
lists of the policy's footnotes (※4, ※5, ※6) are named here, once.
"""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.db import models

IDENTITY = 1
JOINT_APPLICANTS = 2
BUSINESS = 3
SUCCESSION = 4
CONTACT_PERSON = 5
FINANCIALS = 6
BUSINESS_PLAN = 7
APPLICATION_CONTENT = 8
REVIEW = 9
PROGRAM_USAGE = 10
CHALLENGES = 11
SUPPORT_INSTITUTION = 12
SUPPORT_RECORD = 13
ALL_DATA_CLASSES = tuple(range(1, 14))

# ※5: what an approved researcher receives (api.md gives the extract's column order).
RESEARCH_EXTRACT_COLUMNS: tuple[tuple[str, int], ...] = (
    ("corporate_number", IDENTITY),
    ("sole_proprietor_name", IDENTITY),
    ("address", IDENTITY),
    ("representative", IDENTITY),
    ("phone", IDENTITY),
    ("employees", IDENTITY),
    ("capital", IDENTITY),
    ("offices", IDENTITY),
    ("founded_year", IDENTITY),
    ("prefecture", IDENTITY),
    ("industry_jsic_middle", IDENTITY),
    ("sales", FINANCIALS),
    ("ordinary_profit", FINANCIALS),
    ("value_added", FINANCIALS),
    ("review_result", REVIEW),
    ("review_score", REVIEW),
    ("program", PROGRAM_USAGE),
    ("application_fiscal_year", PROGRAM_USAGE),
    ("implementation_fiscal_year", PROGRAM_USAGE),
    ("round", PROGRAM_USAGE),
)

# ※6 (and ※4, which is the same set of items as published at adoption).
OPEN_DATA_COLUMNS: tuple[tuple[str, int], ...] = (
    ("corporate_number", IDENTITY),
    ("name", IDENTITY),
    ("prefecture", IDENTITY),
    ("municipality", IDENTITY),
    ("plan_title", APPLICATION_CONTENT),
    ("program", PROGRAM_USAGE),
    ("fiscal_year", PROGRAM_USAGE),
    ("round", PROGRAM_USAGE),
    ("result", PROGRAM_USAGE),
    ("support_institution", SUPPORT_INSTITUTION),
)


@cache
def _field_classes() -> dict[str, dict[str, int]]:
    registry: dict[str, dict[str, int]] = {}
    for model in apps.get_models():
        declared = getattr(model, "DATA_CLASSES", None)
        if declared:
            registry[model._meta.label_lower] = dict(declared)
    return registry


def data_class_of(model: type[models.Model] | models.Model, field: str) -> int:
    """The data class of `model.field`; KeyError for a field that is not business data."""
    return _field_classes()[model._meta.label_lower][field]


def fields_of_class(model: type[models.Model] | models.Model, data_class: int) -> list[str]:
    return [f for f, c in _field_classes().get(model._meta.label_lower, {}).items() if c == data_class]


def classified_models() -> dict[str, dict[str, int]]:
    """Every model holding business data and its field → class map (for tests and docs)."""
    return dict(_field_classes())
