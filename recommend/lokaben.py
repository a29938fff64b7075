"""The ローカルベンチマーク beyond the six figures: the four non-financial views
(経営者・事業・企業を取り巻く環境と関係者・内部管理体制) read from the business's own record,
and the ロカベンシート as an Excel workbook (openpyxl).

The views are built from objects the selector has already released (recommend.selectors
decides each data class for the business's own user: purpose 3, recipient 7); an item whose
class the consent withholds says so instead of a value.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from companies.reference import JSIC_MIDDLE
from core.formatting import japanese_date, number

from .diagnosis import Diagnosis

WITHHELD = object()  # the value of an item whose data class the consent does not release


@dataclass
class ViewItem:
    label: str
    value: str | None  # None: not registered
    withheld: bool = False


@dataclass
class NonFinancialView:
    code: str
    title: str
    question: str
    items: list[ViewItem] = field(default_factory=list)

    @property
    def filled(self) -> int:
        return sum(1 for i in self.items if i.value)


def _item(label: str, value) -> ViewItem:
    if value is WITHHELD:
        return ViewItem(label=label, value=None, withheld=True)
    text = "" if value is None else str(value).strip()
    return ViewItem(label=label, value=text or None)


def nonfinancial_views(*, business, profile, plan, succession, contact, challenges, today: dt.date | None = None) -> list[NonFinancialView]:
    """Each argument is the released object, None when the record has none, or WITHHELD."""
    today = today or dt.date.today()

    def attr(obj, name):
        if obj is WITHHELD:
            return WITHHELD
        return getattr(obj, name, None) if obj is not None else None

    age = WITHHELD if business is WITHHELD else None
    founded = WITHHELD if business is WITHHELD else None
    if business is not WITHHELD:
        birth = business.representative_birth_date
        if birth:
            age = _("%(age)d years") % {"age": today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))}
        if business.founded_year:
            founded = _("%(year)d (%(years)d years in business)") % {"year": business.founded_year, "years": today.year - business.founded_year}
    successor = WITHHELD if succession is WITHHELD else None
    if succession not in (None, WITHHELD) and succession.successor_name:
        successor = succession.successor_name + (f"（{succession.successor_relationship}）" if succession.successor_relationship else "")
    succession_state = WITHHELD if succession is WITHHELD else None
    if succession not in (None, WITHHELD):
        succession_state = "・".join(p for p in (succession.status, succession.form) if p)
    themes = WITHHELD if challenges is WITHHELD else "、".join(c.get_theme_display() for c in challenges or [])
    department = attr(contact, "department")
    return [
        NonFinancialView("owner", pgettext("local benchmark", "Owner"), pgettext("local benchmark", "The owner's vision, drive and the succession of the business."), [
            _item(pgettext("local benchmark", "Representative"), attr(business, "representative_name")),
            _item(pgettext("local benchmark", "Representative's age"), age),
            _item(pgettext("local benchmark", "Management policy and goals"), attr(plan, "management_policy")),
            _item(pgettext("local benchmark", "Succession"), succession_state),
            _item(pgettext("local benchmark", "Successor"), successor),
        ]),
        NonFinancialView("business", pgettext("local benchmark", "Business"), pgettext("local benchmark", "What the business does, its history and its strengths."), [
            _item(pgettext("local benchmark", "Founded"), founded),
            _item(pgettext("local benchmark", "Industry"), WITHHELD if business is WITHHELD else JSIC_MIDDLE.get(business.industry_jsic, business.industry_jsic)),
            _item(pgettext("local benchmark", "Business description"), attr(profile, "description")),
            _item(pgettext("local benchmark", "Main products and services"), attr(profile, "main_products")),
            _item(pgettext("local benchmark", "Strengths"), attr(plan, "strengths")),
            _item(pgettext("local benchmark", "Patents"), attr(profile, "patents")),
        ]),
        NonFinancialView("environment", pgettext("local benchmark", "Environment and stakeholders"), pgettext("local benchmark", "The market, customers, suppliers and other stakeholders."), [
            _item(pgettext("local benchmark", "Customers and market trends"), attr(plan, "market")),
            _item(pgettext("local benchmark", "Main customers"), attr(profile, "customers")),
            _item(pgettext("local benchmark", "Main suppliers"), attr(profile, "suppliers")),
            _item(pgettext("local benchmark", "Shareholders"), attr(profile, "shareholders")),
        ]),
        NonFinancialView("internal", pgettext("local benchmark", "Internal management"), pgettext("local benchmark", "The organisation, its people and how goals are shared."), [
            _item(pgettext("local benchmark", "Employees"), WITHHELD if business is WITHHELD else (number(business.employees) if business.employees is not None else None)),
            _item(pgettext("local benchmark", "Offices"), WITHHELD if business is WITHHELD else (number(business.offices) if business.offices is not None else None)),
            _item(pgettext("local benchmark", "Company overview"), attr(plan, "overview")),
            _item(pgettext("local benchmark", "Contact department"), department),
            _item(pgettext("local benchmark", "Management challenges"), themes or None),
        ]),
    ]


# --- the ロカベンシート ----------------------------------------------------------------------

FIGURES = ["sales", "gross_profit", "operating_profit", "ordinary_profit", "net_income", "depreciation", "personnel_cost",
           "total_assets", "net_assets", "interest_bearing_debt", "cash_and_deposits", "receivables", "inventory",
           "payables", "employees"]


def value_text(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if value == float("inf"):
        return "∞"
    if unit == "ratio":
        return f"{value * 100:.1f}%"
    if unit == "yen":
        return f"{round(value):,}"
    return f"{value:.2f}"


def workbook_bytes(*, business, diagnosis: Diagnosis, views: list[NonFinancialView], all_years: list) -> bytes:
    """The ロカベンシート: 財務分析 (six indicators), 経年推移, 財務データ, 非財務 (four views)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from companies.models import FinancialYear
    from companies.record import field_label

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    book = Workbook()

    sheet = book.active
    sheet.title = _("Financial analysis")
    sheet.append([_("Local Benchmark sheet (ロカベンシート)")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Business"), business.name])
    sheet.append([_("Industry"), JSIC_MIDDLE.get(business.industry_jsic, business.industry_jsic)])
    sheet.append([_("Fiscal year diagnosed"), diagnosis.fiscal_year or _("None (no complete fiscal year)")])
    sheet.append([_("Created on"), japanese_date(dt.date.today())])
    for fiscal_year, missing in diagnosis.partial_years:
        sheet.append([_("Left out: fiscal year %(year)d") % {"year": fiscal_year},
                      _("Incomplete figures; missing: %(figures)s") % {"figures": "、".join(missing)}])
    sheet.append([])
    header = [_("Indicator"), _("Formula"), _("Value"), _("Level (1-5)"), _("Peer median"), pgettext("local benchmark", "Note")]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for indicator in diagnosis.indicators:
        sheet.append([indicator.label, indicator.formula, value_text(indicator.value, indicator.unit), indicator.level,
                      value_text(indicator.peer_median, indicator.unit) or None, indicator.missing_reason])
    for column, width in zip("ABCDEF", (28, 44, 16, 12, 16, 48), strict=True):
        sheet.column_dimensions[column].width = width

    trend = book.create_sheet(_("Trend"))
    years = [y for y, _v in next(iter(diagnosis.series.values()), [])]
    trend.append([_("Indicator"), *years])
    for cell in trend[1]:
        cell.font = bold
    for indicator in diagnosis.indicators:
        row = [indicator.label]
        for _year, value in diagnosis.series.get(indicator.code, []):
            row.append(value_text(value, indicator.unit))
        trend.append(row)
    trend.column_dimensions["A"].width = 28

    figures = book.create_sheet(_("Financial data"))
    labels = [field_label(FinancialYear, f) for f in FIGURES]
    figures.append([_("Fiscal year"), *labels, _("Used in the diagnosis")])
    for cell in figures[1]:
        cell.font = bold
    partial = {fy for fy, _missing in diagnosis.partial_years}
    for year in sorted(all_years, key=lambda y: y.fiscal_year):
        figures.append([year.fiscal_year, *[getattr(year, f) for f in FIGURES],
                        _("No (incomplete)") if year.fiscal_year in partial else _("Yes")])
    for index in range(2, len(FIGURES) + 2):
        figures.column_dimensions[get_column_letter(index)].width = 16
        for row in figures.iter_rows(min_row=2, min_col=index, max_col=index):
            for cell in row:
                cell.number_format = "#,##0"

    qualitative = book.create_sheet(_("Non-financial"))
    qualitative.append([pgettext("local benchmark", "View"), _("Item"), _("Content")])
    for cell in qualitative[1]:
        cell.font = bold
    for view in views:
        for item in view.items:
            content = item.value or (_("Not used under your consent settings") if item.withheld else _("Not registered"))
            qualitative.append([view.title, item.label, content])
            qualitative.cell(row=qualitative.max_row, column=3).alignment = wrap
    for column, width in zip("ABC", (26, 26, 70), strict=True):
        qualitative.column_dimensions[column].width = width

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
