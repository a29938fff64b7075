"""The ローカルベンチマーク diagnosis: METI's six financial indicators, scored in five
levels against the portal's own peers (same JSIC middle class and size band).

Formulas (METI, ローカルベンチマーク「財務分析」):
  売上高増加率          = 売上高 ÷ 前年度売上高 − 1
  営業利益率            = 営業利益 ÷ 売上高
  労働生産性            = 営業利益 ÷ 従業員数
  EBITDA有利子負債倍率   = (借入金 − 現預金) ÷ (営業利益 + 減価償却費)
  営業運転資本回転期間    = (売上債権 + 棚卸資産 − 買入債務) ÷ (売上高 ÷ 12)
  自己資本比率          = 純資産 ÷ 総資産

Cut points are data (IndicatorScale, loaded from data/local_benchmark_scales.json).

Only complete fiscal years count: a year lacking a figure the six indicators need (a
partner's half-filled year, say, with sales only) is flagged and skipped, so the diagnosis
is of the latest complete year and 売上高増加率 compares it with the complete year before.
An indicator that cannot be computed says why (INDICATOR_NEEDS names its figures).

Consent: the business's own figures are shown to its own users under purpose 3 (the
applicant's records), recipient 7 (the business itself). The peers are other businesses:
only those allowing purpose 5, class 6, recipient 2 enter the peer set, only as
aggregates (a level, a median), and nothing of a peer group smaller than MIN_PEERS is
used or shown.
"""

from __future__ import annotations

import statistics
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from companies.models import Business, FinancialYear
from consent.access import PURPOSE_SUPPORT_INFORMATION, SME_AGENCY, SystemRecipient
from consent.projection import rows_released
from programs.models import SizeBand, SupportProgram, size_band_of

from .models import IndicatorScale

MIN_PEERS = 5
PROJECTION_YEARS = 3
DEPRECIATION_YEARS = 5
INVESTMENT_CAP = 0.3

LABELS = {
    "sales_growth": _("Sales growth rate"),
    "operating_margin": _("Operating profit margin"),
    "labour_productivity": _("Labour productivity"),
    "ebitda_debt_ratio": _("EBITDA to interest-bearing debt ratio"),
    "working_capital_period": _("Operating working capital period"),
    "equity_ratio": _("Equity ratio"),
}
FORMULAS = {
    "sales_growth": _("Sales ÷ previous year's sales − 1"),
    "operating_margin": _("Operating profit ÷ sales"),
    "labour_productivity": _("Operating profit ÷ employees"),
    "ebitda_debt_ratio": _("(Borrowings − cash and deposits) ÷ (operating profit + depreciation)"),
    "working_capital_period": _("(Receivables + inventory − payables) ÷ (sales ÷ 12)"),
    "equity_ratio": _("Net assets ÷ total assets"),
}


# What each indicator needs from a year (and, for growth, from the year before).
INDICATOR_NEEDS = {
    "sales_growth": ("sales",),
    "operating_margin": ("sales", "operating_profit"),
    "labour_productivity": ("operating_profit", "employees"),
    "ebitda_debt_ratio": ("interest_bearing_debt", "cash_and_deposits", "operating_profit", "depreciation"),
    "working_capital_period": ("receivables", "inventory", "payables", "sales"),
    "equity_ratio": ("net_assets", "total_assets"),
}
# A year is complete when it has every figure the six indicators need (employees may come
# from the business's own record).
COMPLETE_YEAR_FIELDS = tuple(dict.fromkeys(f for needs in INDICATOR_NEEDS.values() for f in needs if f != "employees"))


def missing_fields(year: FinancialYear) -> list[str]:
    """The verbose names of the figures this year lacks (empty: the year is complete)."""
    return [str(FinancialYear._meta.get_field(f).verbose_name) for f in COMPLETE_YEAR_FIELDS if getattr(year, f) is None]


def _div(a, b) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return float(a) / float(b)


def indicators_of(year: FinancialYear, previous: FinancialYear | None, *, employees: int | None = None) -> dict[str, float | None]:
    sales = year.sales
    staff = year.employees or employees
    growth = _div(sales, previous.sales if previous else None)
    ebitda = None if year.operating_profit is None or year.depreciation is None else year.operating_profit + year.depreciation
    if year.interest_bearing_debt is None or year.cash_and_deposits is None or ebitda is None:
        ebitda_ratio = None
    elif ebitda <= 0:
        # No cash earnings to repay from: the worst position, whatever the debt.
        ebitda_ratio = float("inf") if year.interest_bearing_debt > year.cash_and_deposits else 0.0
    else:
        ebitda_ratio = (year.interest_bearing_debt - year.cash_and_deposits) / ebitda
    if None in (year.receivables, year.inventory, year.payables) or not sales:
        wc_period = None
    else:
        wc_period = (year.receivables + year.inventory - year.payables) / (sales / 12)
    return {
        "sales_growth": None if growth is None else growth - 1,
        "operating_margin": _div(year.operating_profit, sales),
        "labour_productivity": _div(year.operating_profit, staff) if staff else None,
        "ebitda_debt_ratio": ebitda_ratio,
        "working_capital_period": wc_period,
        "equity_ratio": _div(year.net_assets, year.total_assets),
    }


def level_by_reference(scale: IndicatorScale, value: float | None) -> int | None:
    if value is None:
        return None
    cuts = sorted(scale.reference_cuts)
    if scale.higher_is_better:
        return 1 + bisect_right(cuts, value)
    return 1 + len(cuts) - bisect_left(cuts, value)


def level_by_peers(scale: IndicatorScale, value: float | None, peers: list[float]) -> int | None:
    """The share of peers this value beats, cut at the scale's percentile cut points."""
    if value is None or not peers:
        return None
    if scale.higher_is_better:
        beaten = sum(1 for p in peers if p < value) + 0.5 * sum(1 for p in peers if p == value)
    else:
        beaten = sum(1 for p in peers if p > value) + 0.5 * sum(1 for p in peers if p == value)
    percentile = 100.0 * beaten / len(peers)
    return 1 + bisect_right(sorted(scale.percentile_cuts), percentile)


@dataclass
class IndicatorResult:
    code: str
    label: str
    formula: str
    value: float | None
    level: int | None
    peer_count: int
    peer_median: float | None
    by_peers: bool
    themes: list[str]
    unit: str
    missing_reason: str = ""


@dataclass
class Diagnosis:
    business_id: int
    fiscal_year: int | None
    size_band: str
    industry: str
    peer_count: int
    indicators: list[IndicatorResult] = field(default_factory=list)
    series: dict[str, list[tuple[int, float | None]]] = field(default_factory=dict)
    years: list[FinancialYear] = field(default_factory=list)
    # Years left out because a figure is missing: (fiscal year, names of the missing figures).
    partial_years: list[tuple[int, list[str]]] = field(default_factory=list)

    @property
    def weak(self) -> list[IndicatorResult]:
        return [i for i in self.indicators if i.level is not None and i.level <= 2]

    @property
    def has_data(self) -> bool:
        return self.fiscal_year is not None


def _employee_range(band: str) -> tuple[int, int | None]:
    ranges: dict[str, tuple[int, int | None]] = {SizeBand.MICRO: (0, 5), SizeBand.SMALL: (6, 20), SizeBand.MEDIUM: (21, 100)}
    return ranges.get(band, (101, None))


def peer_values(*, business: Business, fiscal_year: int) -> tuple[int, dict[str, list[float]]]:
    """Indicator values of consenting peers (same industry and size band) for a year."""
    low, high = _employee_range(size_band_of(business.employees))
    peers = Business.objects.filter(industry_jsic=business.industry_jsic).exclude(pk=business.pk)
    if low == 0:
        from django.db.models import Q

        peers = peers.filter(Q(employees__isnull=True) | Q(employees__lte=high))
    else:
        peers = peers.filter(employees__gte=low, **({"employees__lte": high} if high is not None else {}))
    peers = rows_released(peers, purpose=PURPOSE_SUPPORT_INFORMATION, classes=(6,),
                          viewer=SystemRecipient(SME_AGENCY, "local benchmark"), business_field="pk")
    rows = FinancialYear.objects.filter(business__in=peers.values("pk"), fiscal_year__in=[fiscal_year - 1, fiscal_year])
    by_business: dict[int, dict[int, FinancialYear]] = {}
    for row in rows:
        by_business.setdefault(row.business_id, {})[row.fiscal_year] = row
    values: dict[str, list[float]] = {code: [] for code in LABELS}
    count = 0
    for years in by_business.values():
        current, previous = years.get(fiscal_year), years.get(fiscal_year - 1)
        if current is None or missing_fields(current):
            continue  # a peer's partial year is no comparison either
        if previous is not None and missing_fields(previous):
            previous = None
        count += 1
        for code, value in indicators_of(current, previous).items():
            if value is not None:
                values[code].append(value)
    return count, values


def _missing_reason(code: str, year: FinancialYear, previous: FinancialYear | None, *, employees: int | None) -> str:
    if code == "sales_growth" and previous is None:
        return str(_("No complete figures for fiscal year %(year)d, the year before, to compare with.") % {"year": year.fiscal_year - 1})
    if code == "labour_productivity" and not (year.employees or employees):
        return str(_("The number of employees is not registered."))
    names = [str(FinancialYear._meta.get_field(f).verbose_name) for f in INDICATOR_NEEDS[code]
             if f != "employees" and getattr(year, f) is None]
    if names:
        return str(_("Not registered: %(figures)s.") % {"figures": "、".join(names)})
    return str(_("Cannot be computed from these figures (a division by zero)."))


def diagnose(*, business: Business, years: list[FinancialYear]) -> Diagnosis:
    """Score the latest complete year against peers; the caller has already passed the
    consent decision for the business's own figures (see module docstring)."""
    years = sorted(years, key=lambda y: y.fiscal_year)
    partial = [(y.fiscal_year, missing_fields(y)) for y in years if missing_fields(y)]
    skipped = {fy for fy, _missing in partial}
    years = [y for y in years if y.fiscal_year not in skipped]
    band = size_band_of(business.employees)
    diagnosis = Diagnosis(business_id=business.pk, fiscal_year=years[-1].fiscal_year if years else None, size_band=band,
                          industry=business.industry_jsic, peer_count=0, years=years, partial_years=partial)
    if not years:
        return diagnosis
    by_year = {y.fiscal_year: y for y in years}
    series: dict[str, list[tuple[int, float | None]]] = {code: [] for code in LABELS}
    latest: dict[str, float | None] = {}
    for y in years:
        values = indicators_of(y, by_year.get(y.fiscal_year - 1), employees=business.employees)
        for code, value in values.items():
            series[code].append((y.fiscal_year, value))
        latest = values
    diagnosis.series = series
    last = years[-1]
    peer_count, peers = peer_values(business=business, fiscal_year=last.fiscal_year)
    diagnosis.peer_count = peer_count
    scales = {scale.code: scale for scale in IndicatorScale.objects.all()}
    for code in LABELS:
        scale = scales.get(code)
        value = latest.get(code)
        reason = "" if value is not None else _missing_reason(code, last, by_year.get(last.fiscal_year - 1), employees=business.employees)
        if scale is None:
            diagnosis.indicators.append(IndicatorResult(
                code=code, label=str(LABELS[code]), formula=str(FORMULAS[code]), value=value, level=None, peer_count=0,
                peer_median=None, by_peers=False, themes=[], unit="", missing_reason=reason or str(_("No scale is set for this indicator.")),
            ))
            continue
        peer_list = [p for p in peers.get(code, []) if p != float("inf")] if peer_count >= MIN_PEERS else []
        by_peers = len(peers.get(code, [])) >= MIN_PEERS
        level = level_by_peers(scale, value, peers[code]) if by_peers else level_by_reference(scale, value)
        diagnosis.indicators.append(IndicatorResult(
            code=code, label=str(LABELS[code]), formula=str(FORMULAS[code]),
            value=value, level=level, peer_count=len(peers.get(code, [])) if by_peers else 0,
            peer_median=statistics.median(peer_list) if by_peers and peer_list else None,
            by_peers=by_peers, themes=list(scale.themes), unit=scale.unit, missing_reason=reason,
        ))
    return diagnosis


# --- simulation ------------------------------------------------------------------------------

def rate_fraction(rate: str) -> float:
    """'2/3' → 0.667, '1/2以内' → 0.5; 0 when no rate is given."""
    for token in (rate or "").replace("／", "/").split():
        head = token.split("以")[0]
        try:
            return float(Fraction(head))
        except (ValueError, ZeroDivisionError):
            continue
    return 0.0


@dataclass
class Projection:
    assumptions: list[tuple[str, str]]
    rows: list[dict]


def simulate(*, diagnosis: Diagnosis, program: SupportProgram) -> Projection | None:
    """Project the next years' figures without and with the program, from the latest year.

    A deliberately simple model whose every assumption is listed for the user: the
    business's own average sales growth continues; the program adds its assumed yearly
    sales uplift and cost saving; an investment is depreciated straight-line over five
    years; a subsidy covers its rate of the investment up to the maximum amount and is
    booked to net assets in the first year; employees stay constant; taxes are ignored.
    """
    if not diagnosis.years:
        return None
    base = diagnosis.years[-1]
    if not base.sales or base.operating_profit is None:
        return None
    growths = [v for _y, v in diagnosis.series.get("sales_growth", []) if v is not None]
    growth = max(-0.1, min(0.1, sum(growths) / len(growths))) if growths else 0.0
    uplift = float(program.assumed_sales_uplift or Decimal(0))
    saving = float(program.assumed_cost_saving or Decimal(0))
    # A program's typical investment, but never more than 30% of the business's sales.
    investment = min(program.assumed_investment or 0, int(base.sales * INVESTMENT_CAP))
    subsidy = 0
    if program.kind == SupportProgram.Kind.SUBSIDY and investment:
        subsidy = int(investment * rate_fraction(program.rate))
        if program.amount_max:
            subsidy = min(subsidy, program.amount_max)
    margin = base.operating_profit / base.sales
    staff = base.employees or None
    extra_depreciation = investment // DEPRECIATION_YEARS if investment else 0
    rows = []
    net_assets_base = net_assets_with = base.net_assets or 0
    total_assets_base = total_assets_with = base.total_assets or 0
    for t in range(1, PROJECTION_YEARS + 1):
        sales_base = base.sales * (1 + growth) ** t
        sales_with = base.sales * (1 + growth + uplift) ** t
        op_base = sales_base * margin
        op_with = sales_with * (margin + saving) - extra_depreciation
        net_assets_base += op_base * 0.7
        net_assets_with += op_with * 0.7 + (subsidy if t == 1 else 0)
        total_assets_base += op_base * 0.7
        total_assets_with += op_with * 0.7 + (subsidy if t == 1 else 0)
        rows.append({
            "fiscal_year": base.fiscal_year + t,
            "sales_base": int(sales_base), "sales_with": int(sales_with),
            "operating_profit_base": int(op_base), "operating_profit_with": int(op_with),
            "margin_base": op_base / sales_base, "margin_with": op_with / sales_with,
            "productivity_base": int(op_base / staff) if staff else None,
            "productivity_with": int(op_with / staff) if staff else None,
            "equity_base": net_assets_base / total_assets_base if total_assets_base else None,
            "equity_with": net_assets_with / total_assets_with if total_assets_with else None,
        })
    assumptions = [
        (str(_("Sales growth without the program (your average)")), f"{growth:+.1%}"),
        (str(_("Additional sales growth from the program, per year")), f"{uplift:+.1%}"),
        (str(_("Cost saving from the program (share of sales)")), f"{saving:.1%}"),
        (str(_("Investment (the program's typical amount, at most %(cap)d%% of your sales)") % {"cap": int(INVESTMENT_CAP * 100)}), f"{investment:,}"),
        (str(_("Subsidy received (rate × investment, up to the maximum)")), f"{subsidy:,}"),
        (str(_("Depreciation of the investment")), str(_("straight-line over %(years)d years") % {"years": DEPRECIATION_YEARS})),
        (str(_("Other assumptions")), str(_("Employees constant; %(share)d%% of operating profit retained as net assets; taxes and interest ignored.") % {"share": 70})),
    ]
    return Projection(assumptions=assumptions, rows=rows)
