"""The record kinds a partner sends, their fields, and one cleaner for API and CSV alike.

A record names its business (法人番号, or name and address for a 個人事業主) and carries
either the financials of one fiscal year or one consultation / support. The cleaner is
lenient in what it reads (full-width digits, ¥ and commas, Japanese era dates, Japanese
column headers) and strict in what it keeps: every value it cannot read becomes a field
error with a translated message, and the record is not used.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from companies.models import FinancialYear
from companies.validators import is_valid_corporate_number, normalise_corporate_number
from core.input import column_range, text_problem

from .models import RecordKind
from .normalise import (
    ParseError,
    nfkc,
    parse_amount,
    parse_count,
    parse_date,
    parse_fiscal_year,
    prefecture_code,
)

IDENTITY_FIELDS = ["record_id", "corporate_number", "name", "name_kana", "prefecture", "municipality", "address"]
AMOUNT_FIELDS = [
    "sales", "gross_profit", "operating_profit", "ordinary_profit", "net_income", "depreciation", "personnel_cost",
    "total_assets", "net_assets", "interest_bearing_debt", "cash_and_deposits", "receivables", "inventory", "payables",
]
FINANCIAL_FIELDS = ["fiscal_year", *AMOUNT_FIELDS, "employees"]
SUPPORT_FIELDS = ["supported_on", "theme", "summary"]
KIND_FIELDS = {RecordKind.FINANCIALS: FINANCIAL_FIELDS, RecordKind.SUPPORT_RECORDS: SUPPORT_FIELDS}

# Column headers as they appear in files from 商工会・商工会議所 systems (and our own names).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "kind": ("種別", "レコード種別"),
    "record_id": ("管理番号", "レコードid", "レコード番号", "カルテ番号", "整理番号", "id"),
    "corporate_number": ("法人番号",),
    "name": ("事業者名", "名称", "商号", "屋号", "企業名", "会社名"),
    "name_kana": ("フリガナ", "事業者名カナ", "カナ"),
    "prefecture": ("都道府県", "都道府県コード"),
    "municipality": ("市区町村",),
    "address": ("住所", "所在地"),
    "fiscal_year": ("決算年度", "年度", "会計年度", "事業年度"),
    "sales": ("売上高",),
    "gross_profit": ("売上総利益", "粗利益"),
    "operating_profit": ("営業利益",),
    "ordinary_profit": ("経常利益",),
    "net_income": ("当期純利益", "純利益"),
    "depreciation": ("減価償却費",),
    "personnel_cost": ("人件費",),
    "total_assets": ("総資産", "資産合計"),
    "net_assets": ("純資産", "純資産合計"),
    "interest_bearing_debt": ("有利子負債",),
    "cash_and_deposits": ("現預金", "現金預金"),
    "receivables": ("売上債権",),
    "inventory": ("棚卸資産",),
    "payables": ("仕入債務",),
    "employees": ("従業員数", "従業員"),
    "supported_on": ("支援日", "相談日", "実施日", "支援年月日"),
    "theme": ("支援内容", "相談テーマ", "テーマ", "支援区分"),
    "summary": ("概要", "支援概要", "相談内容", "備考"),
}
_HEADER_LOOKUP = {alias: field for field, aliases in HEADER_ALIASES.items() for alias in (field, *aliases)}

FIELD_LABELS = {
    "kind": gettext_lazy("kind"), "record_id": gettext_lazy("record id"), "corporate_number": gettext_lazy("corporate number"),
    "name": pgettext_lazy("linkage field", "name"), "name_kana": gettext_lazy("name (kana)"), "prefecture": gettext_lazy("prefecture"),
    "municipality": gettext_lazy("municipality"), "address": gettext_lazy("address"), "fiscal_year": gettext_lazy("fiscal year"),
    "supported_on": gettext_lazy("date"), "theme": gettext_lazy("theme"), "summary": gettext_lazy("summary"),
    "employees": gettext_lazy("employees"),
}
MAX_LENGTHS = {"record_id": 100, "name": 200, "name_kana": 200, "municipality": 100, "address": 300, "theme": 100,
               "summary": 5000}
EARLIEST_FISCAL_YEAR = 1990
# Each figure is bounded by the column it is stored in (companies.FinancialYear).
COLUMN_RANGES = {name: column_range(FinancialYear, name) for name in [*AMOUNT_FIELDS, "employees", "fiscal_year"]}


def header_field(header: str) -> str | None:
    """The field a CSV column header stands for, or None."""
    text = nfkc(header).strip().strip("\ufeff").lower().replace(" ", "")
    return _HEADER_LOOKUP.get(text)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ParseError("type")
    return str(value).strip()


def _message(code: str) -> str:
    messages = {
        "type": _("Send this value as text or a number."),
        "amount": _("Enter an amount in yen, such as 1,234,567, ¥1,234,567 or 1,234,567円."),
        "count": _("Enter a whole number of people."),
        "date": _("Enter a date such as 2023-04-01, 2023/4/1, 令和5年4月1日 or R5.4.1."),
        "era_range": _("This date does not exist in the era it names (Heisei ended on 30 April 2019, Reiwa began on 1 May 2019)."),
        "era_year": _("An era year starts at 1 (元年)."),
        "fiscal_year": _("Enter a fiscal year such as 2023, 2023年度, 令和5年度 or R5."),
    }
    return messages[code]


class _Cleaner:
    def __init__(self, raw: dict[str, Any]):
        self.raw = raw
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def text(self, field: str) -> str:
        try:
            value = _text(self.raw.get(field))
        except ParseError as exc:
            self.add(field, _message(str(exc)))
            return ""
        problem = text_problem(value)
        if problem:
            self.add(field, problem)
            return ""
        limit = MAX_LENGTHS.get(field)
        if limit and len(value) > limit:
            self.add(field, _("Use at most %(limit)d characters.") % {"limit": limit})
        return value

    def parsed(self, field: str, parser):
        try:
            value = parser(_text(self.raw.get(field)))
        except ParseError as exc:
            self.add(field, _message(str(exc)))
            return None
        if isinstance(value, int) and field in COLUMN_RANGES:
            low, high = COLUMN_RANGES[field]
            if not low <= value <= high:
                self.add(field, _("Enter a number from %(minimum)s to %(maximum)s.") % {"minimum": low, "maximum": high})
                return None
        return value


def clean_record(kind: str, raw: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
    """(cleaned record, {}) or (None, {field: [messages]})."""
    c = _Cleaner(raw)
    cleaned: dict[str, Any] = {"kind": kind}
    if kind not in KIND_FIELDS:
        c.add("kind", _("Unknown kind of record. Use “financials” or “support_records”."))
        return None, c.errors

    cleaned["record_id"] = nfkc(c.text("record_id"))
    if not cleaned["record_id"] and "record_id" not in c.errors:
        c.add("record_id", _("Every record needs the partner system's own id."))

    number = normalise_corporate_number(c.text("corporate_number"))
    if number and not is_valid_corporate_number(number):
        c.add("corporate_number", _("This is not a valid corporate number (13 digits with a correct check digit)."))
    cleaned["corporate_number"] = number

    for field in ("name", "name_kana", "municipality", "address"):
        cleaned[field] = c.text(field)
    if not number and not cleaned["name"] and not {"name", "corporate_number"} & c.errors.keys():
        c.add("name", _("Give the corporate number or, for a sole proprietor, the name and address."))

    prefecture = c.text("prefecture")
    cleaned["prefecture"] = prefecture_code(prefecture) if prefecture else ""
    if prefecture and not cleaned["prefecture"]:
        c.add("prefecture", _("Unknown prefecture. Use its name (東京都) or its JIS code (13)."))

    if kind == RecordKind.FINANCIALS:
        _clean_financials(c, cleaned)
    else:
        _clean_support(c, cleaned)
    return (None, c.errors) if c.errors else (cleaned, {})


def _clean_financials(c: _Cleaner, cleaned: dict[str, Any]) -> None:
    year = c.parsed("fiscal_year", parse_fiscal_year)
    latest = timezone.localdate().year + 1
    if year is None and "fiscal_year" not in c.errors:
        c.add("fiscal_year", _("This field is required."))
    elif year is not None and not EARLIEST_FISCAL_YEAR <= year <= latest:
        c.add("fiscal_year", _("The fiscal year must lie between %(first)d and %(last)d.") % {
            "first": EARLIEST_FISCAL_YEAR, "last": latest})
    cleaned["fiscal_year"] = year
    for field in AMOUNT_FIELDS:
        cleaned[field] = c.parsed(field, parse_amount)
    cleaned["employees"] = c.parsed("employees", parse_count)
    figures = [*AMOUNT_FIELDS, "employees"]
    if all(cleaned[f] is None for f in figures) and not c.errors.keys() & set(figures):
        c.add("sales", _("A financials record needs at least one figure."))


def _clean_support(c: _Cleaner, cleaned: dict[str, Any]) -> None:
    date = c.parsed("supported_on", parse_date)
    if date is None and "supported_on" not in c.errors:
        c.add("supported_on", _("This field is required."))
    elif date is not None and date > timezone.localdate():
        c.add("supported_on", _("The date must not be in the future."))
    cleaned["supported_on"] = date
    cleaned["theme"] = c.text("theme")
    if not cleaned["theme"] and "theme" not in c.errors:
        c.add("theme", _("This field is required."))
    cleaned["summary"] = c.text("summary")


def to_payload(cleaned: dict[str, Any]) -> dict[str, Any]:
    """JSON-safe form of a cleaned record (kept on a review item)."""
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in cleaned.items()}


def from_payload(payload: dict[str, Any]) -> dict[str, Any]:
    record = dict(payload)
    if record.get("supported_on"):
        record["supported_on"] = dt.date.fromisoformat(record["supported_on"])
    return record
