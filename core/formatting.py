"""How values are shown to people: names beside codes, yen with separators, dates as
Japanese forms write them. One place, used by the pages, the PDFs and the CSV files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def _japanese() -> bool:
    return (get_language() or "ja").split("-")[0] == "ja"


def yen(value: object) -> str:
    """12,345,000円 (ja) or ¥12,345,000 (en); "" for no value."""
    if value is None or value == "":
        return ""
    try:
        amount = int(Decimal(str(value)))
    except (ArithmeticError, ValueError):
        return str(value)
    text = f"{amount:,}"
    return f"{text}円" if _japanese() else f"¥{text}"


def number(value: object) -> str:
    if value is None or value == "":
        return ""
    try:
        return f"{int(Decimal(str(value))):,}"
    except (ArithmeticError, ValueError):
        return str(value)


def japanese_date(value: object) -> str:
    """2026年12月2日 in Japanese, 2 December 2026 in English; datetimes add the time."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def prefecture_name(code: object) -> str:
    from companies.reference import PREFECTURES

    return PREFECTURES.get(str(code or "").zfill(2), str(code or ""))


def industry_name(code: object) -> str:
    from companies.reference import JSIC_MIDDLE

    code = str(code or "")
    return str(JSIC_MIDDLE.get(code.zfill(2), code))


def yes_no(value: object) -> str:
    return _("Yes") if value else _("No")
