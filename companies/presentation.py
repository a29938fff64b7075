"""Record values as people read them: a prefecture's name rather than its JIS code, the
industry's name rather than its JSIC code, choices by their labels, yen with separators,
dates in Japanese. Used by the business's record page and the advisor's company view."""

from __future__ import annotations

import datetime as dt

from django.db import models

from core import formatting

from .models import Business, FinancialYear

# Amounts in yen: every money column of the financial years and the capital.
MONEY_FIELDS = {
    (FinancialYear, f.name) for f in FinancialYear._meta.get_fields()
    if isinstance(f, models.BigIntegerField)
} | {(Business, "capital")}
COUNT_FIELDS = {"employees", "offices"}


def display_value(model: type[models.Model], field_name: str, value):
    """The value of `model.field_name` as a person reads it; None when there is none."""
    if value is None or value == "":
        return None
    if field_name == "prefecture":
        return formatting.prefecture_name(value)
    if field_name == "industry_jsic":
        name = formatting.industry_name(value)
        return name if name != str(value) else value
    try:
        field = model._meta.get_field(field_name)
    except Exception:  # a computed column (value added) or a key of an API payload
        field = None
    if isinstance(field, models.Field) and field.choices:
        labels = {str(k): v for k, v in field.flatchoices}
        return str(labels.get(str(value), value))
    if (model, field_name) in MONEY_FIELDS or field_name == "value_added":
        return formatting.yen(value)
    if field_name == "fiscal_year":
        return str(value)
    if field_name == "founded_year":
        return f"{value}年" if formatting._japanese() else str(value)
    if field_name in COUNT_FIELDS:
        return formatting.number(value)
    if isinstance(value, dt.date | dt.datetime):
        return formatting.japanese_date(value)
    if isinstance(value, str) and field is not None and isinstance(field, models.DateField):
        return formatting.japanese_date(value)
    if isinstance(value, bool):
        return formatting.yes_no(value)
    return value


def financial_table(model: type[models.Model], field_names: list[str], rows: list[dict], labels: dict[str, str]) -> dict:
    """Fiscal years as columns, items as rows: the shape of a Japanese 決算書 summary."""
    years = [row.get("fiscal_year") for row in rows]
    items = [f for f in field_names if f not in ("fiscal_year", "id")]
    return {
        "years": years,
        "rows": [
            {"label": labels.get(f, f), "field": f, "values": [display_value(model, f, row.get(f)) for row in rows]}
            for f in items
        ],
    }
