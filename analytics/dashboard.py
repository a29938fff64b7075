"""The agency's BI dashboard: a summary table rebuilt from the applications through the
consent decision, and the reads that group it.

Consent. The dashboard is purpose 2 (情報共有 within government), recipient 2 (the SME
Agency). The policy table allows every class to recipient 2 for purpose 2, but a business
may narrow any (class, recipient), so the summary is built from the rows the set-based
projection releases to the dashboard job (`consent.projection.release_rows`, one query):

- an application counts at all only where its business allows class 1 (prefecture and
  industry are class 1) and class 10 (the program, round, year and the granted amount are
  制度活用情報) — without them the row has no dimension and no fact;
- it counts towards "decided" and "adopted" only where the business allows class 9 (審査情報)
  (the projection gives its review result as NULL otherwise);
- its requested amount counts only where the business allows class 8 (申請事業内容);
- a procedure (経営力向上計画 etc.) counts only where the applicant ticked the data-use
  consent (the projection's procedure-origin rule).

Freshness. `dashboard_summary_refresh` rebuilds the whole table in one transaction
(readers keep seeing the previous summary until it commits) every 10 minutes (Celery beat,
analytics/schedule.py); the page shows the time of the last rebuild. A narrowing therefore
reaches the aggregates within 10 minutes; no single business is ever shown on the dashboard.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application, Program
from companies.reference import JSIC_MIDDLE, PREFECTURES
from consent.access import PURPOSE_SHARING, SME_AGENCY, SystemRecipient
from consent.projection import Column, ReleasedRows, release_rows

from .models import DashboardCell, SummaryRefresh

# Dashboards are computed by the agency's own jobs (purpose 2, recipient 2), not for a person.
DASHBOARD = SystemRecipient(SME_AGENCY, "dashboard")
EXCLUDED_STATUSES = (Application.Status.DRAFT, Application.Status.WITHDRAWN)
DIMENSIONS = ("fiscal_year", "round", "program", "prefecture", "industry")
DIMENSION_LABELS = {
    "fiscal_year": gettext_lazy("Fiscal year"),
    "round": gettext_lazy("Round"),
    "program": gettext_lazy("Program"),
    "prefecture": gettext_lazy("Prefecture"),
    "industry": gettext_lazy("Industry"),
}
# The drill-down path: a row of one view opens the next, filtered by that row.
NEXT_DIMENSION = {"fiscal_year": "program", "program": "round", "round": "prefecture", "prefecture": "industry", "industry": "fiscal_year"}
METRICS = ("applications", "adopted", "adoption_rate", "granted_amount")


SOURCE_COLUMNS = [
    Column(name, lookup) for name, lookup in (
        ("fiscal_year", "fiscal_year"), ("program", "program"), ("round_number", "round_number"),
        ("prefecture", "business__prefecture"), ("industry", "business__industry_jsic"),
        ("review_result", "review_result"), ("requested_amount", "requested_amount"),
        ("granted_amount", "granted_amount"),
    )
]


def dashboard_source() -> ReleasedRows:
    """Submitted applications as the projection releases them to the dashboard job: rows
    only where the business allows classes 1 and 10, the review result (9) and the
    requested amount (8) NULL where it does not allow those (see the module docstring)."""
    qs = Application.objects.exclude(status__in=EXCLUDED_STATUSES)
    return release_rows(qs, viewer=DASHBOARD, purpose=PURPOSE_SHARING, columns=SOURCE_COLUMNS, require=(1, 10))


def _summary_sql() -> tuple[str, list]:
    sql, params = dashboard_source().sql_with_params()
    adopted, not_adopted = Application.ReviewResult.ADOPTED, Application.ReviewResult.NOT_ADOPTED
    return (
        "SELECT s.fiscal_year, s.program, s.round_number, s.prefecture, COALESCE(s.industry, '') AS industry,"
        " COUNT(*), COUNT(*) FILTER (WHERE s.review_result IN (%s, %s)), COUNT(*) FILTER (WHERE s.review_result = %s),"
        " COALESCE(SUM(s.requested_amount), 0), COALESCE(SUM(s.granted_amount), 0)"
        f" FROM ({sql}) s GROUP BY 1, 2, 3, 4, 5",
        [adopted, not_adopted, adopted, *params],
    )


@transaction.atomic
def dashboard_summary_refresh() -> SummaryRefresh:
    """Rebuild the summary in one transaction: INSERT … SELECT of the consent-filtered
    aggregate. Readers see the previous summary until this commits (MVCC), so the
    dashboard is never empty or half-built. Called by the beat task and by the bench."""
    started = time.monotonic()
    sql, params = _summary_sql()
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE analytics_dashboardcell IN EXCLUSIVE MODE")  # one rebuild at a time; reads go on
        cursor.execute("DELETE FROM analytics_dashboardcell")
        cursor.execute(
            "INSERT INTO analytics_dashboardcell (fiscal_year, program, round_number, prefecture, industry, applications,"
            " decided, adopted, requested_amount, granted_amount)"
            f" {sql}",
            params,
        )
        cells = cursor.rowcount
        cursor.execute("SELECT COALESCE(SUM(applications), 0) FROM analytics_dashboardcell")
        source_rows = cursor.fetchone()[0]
    return SummaryRefresh.objects.create(source_rows=source_rows, cells=cells, seconds=time.monotonic() - started)


def last_refresh() -> SummaryRefresh | None:
    return SummaryRefresh.objects.order_by("-finished_at").first()


# --- reads ------------------------------------------------------------------------------


@dataclass
class Row:
    key: dict  # the filter values this row stands for (for drill-down)
    label: str
    applications: int
    decided: int
    adopted: int
    requested_amount: int
    granted_amount: int

    @property
    def adoption_rate(self) -> float | None:
        """Adopted among decided applications (those with a review result), in %."""
        return round(100.0 * self.adopted / self.decided, 1) if self.decided else None

    def metric(self, name: str) -> float:
        value = self.adoption_rate if name == "adoption_rate" else getattr(self, name)
        return float(value or 0)


def program_label(code: str) -> str:
    try:
        return str(Program(code).label)
    except ValueError:
        return code


def label_for(dimension: str, key: dict) -> str:
    if dimension == "fiscal_year":
        return _("FY%(year)s") % {"year": key["fiscal_year"]}
    if dimension == "program":
        return program_label(key["program"])
    if dimension == "round":
        if key.get("round_number") is None:
            return _("%(program)s (no round)") % {"program": program_label(key["program"])}
        return _("%(program)s round %(number)s") % {"program": program_label(key["program"]), "number": key["round_number"]}
    if dimension == "prefecture":
        return PREFECTURES.get(key["prefecture"], key["prefecture"])
    if dimension == "industry":
        code = key["industry"]
        return f"{code} {JSIC_MIDDLE.get(code, '')}".strip() if code else _("Unknown")
    raise ValueError(dimension)


# The dashboard's CSV (api.md, "Files for people"; its header is not fixed by the contract):
# headers in the reader's language, the code of each dimension kept in its column and its name
# in the column right after it.
def _csv_key_columns(by: str) -> list[tuple[str, Any]]:
    """(header, value of a row) for the columns that name a row of the `by` view."""
    if by == "fiscal_year":
        return [(_("Fiscal year"), lambda key: key["fiscal_year"])]
    program = [(_("Program code"), lambda key: key["program"]), (_("Program name"), lambda key: program_label(key["program"]))]
    if by == "program":
        return program
    if by == "round":
        return [*program, (_("Round number"), lambda key: key.get("round_number"))]
    if by == "prefecture":
        return [(_("Prefecture code"), lambda key: key["prefecture"]),
                (_("Prefecture name"), lambda key: PREFECTURES.get(key["prefecture"], ""))]
    if by == "industry":
        return [(_("Industry code (JSIC middle class)"), lambda key: key["industry"]),
                (_("Industry name"), lambda key: JSIC_MIDDLE.get(key["industry"], "") if key["industry"] else _("Unknown"))]
    raise ValueError(by)


def dashboard_csv_table(rows: list[Row], *, by: str) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the dashboard table as a CSV for people."""
    keys = _csv_key_columns(by)
    header = [str(title) for title, _value in keys] + [
        _("Applications (count)"), _("Decided (count)"), _("Adopted (count)"), _("Adoption rate (%)"),
        _("Requested amount (yen)"), _("Granted amount (yen)")]
    table = [
        [("" if (v := value(r.key)) is None else v) for _title, value in keys]
        + [r.applications, r.decided, r.adopted, "" if r.adoption_rate is None else r.adoption_rate,
           r.requested_amount, r.granted_amount]
        for r in rows
    ]
    return header, table


_GROUP_FIELDS = {
    "fiscal_year": ("fiscal_year",),
    "round": ("program", "round_number"),
    "program": ("program",),
    "prefecture": ("prefecture",),
    "industry": ("industry",),
}


def _filtered_cells(filters: dict):
    qs = DashboardCell.objects.all()
    if filters.get("fiscal_year"):
        qs = qs.filter(fiscal_year=filters["fiscal_year"])
    if filters.get("program"):
        qs = qs.filter(program=filters["program"])
    if filters.get("round_number"):
        qs = qs.filter(round_number=filters["round_number"])
    if filters.get("prefecture"):
        qs = qs.filter(prefecture=filters["prefecture"])
    if filters.get("industry"):
        qs = qs.filter(industry=filters["industry"])
    return qs


def _aggregate(qs, group: tuple[str, ...]):
    return (
        qs.values(*group)
        .annotate(
            a=Sum("applications"), d=Sum("decided"), ad=Sum("adopted"), r=Sum("requested_amount"), g=Sum("granted_amount"),
        )
        .order_by(*group)
    )


def dashboard_breakdown(*, viewer, by: str, filters: dict) -> list[Row]:
    """Figures grouped by one dimension, with the filters applied (agency staff only;
    the view checks the role). One query on the summary table."""
    if by not in _GROUP_FIELDS:
        raise ValueError(by)
    group = _GROUP_FIELDS[by]
    rows = []
    for item in _aggregate(_filtered_cells(filters), group):
        key = {f: item[f] for f in group}
        rows.append(Row(key=key, label=label_for(by, key), applications=item["a"] or 0, decided=item["d"] or 0,
                        adopted=item["ad"] or 0, requested_amount=item["r"] or 0, granted_amount=item["g"] or 0))
    if by == "prefecture":
        rows.sort(key=lambda r: r.key["prefecture"])
    return rows


def dashboard_trend(*, viewer, filters: dict) -> list[Row]:
    """Over the years, with every filter but the fiscal year applied."""
    return dashboard_breakdown(viewer=viewer, by="fiscal_year", filters={k: v for k, v in filters.items() if k != "fiscal_year"})


def dashboard_totals(*, viewer, filters: dict) -> Row:
    item = _filtered_cells(filters).aggregate(
        a=Sum("applications"), d=Sum("decided"), ad=Sum("adopted"), r=Sum("requested_amount"), g=Sum("granted_amount"),
    )
    return Row(key={}, label=_("Total"), applications=item["a"] or 0, decided=item["d"] or 0, adopted=item["ad"] or 0,
               requested_amount=item["r"] or 0, granted_amount=item["g"] or 0)


# --- the tile map of Japan ---------------------------------------------------------------

# (column, row) of each prefecture on a tile grid, north-east to south-west.
TILE_GRID: dict[str, tuple[int, int]] = {
    "01": (12, 0), "02": (12, 1), "05": (11, 2), "03": (12, 2), "06": (11, 3), "04": (12, 3),
    "17": (8, 4), "16": (9, 4), "15": (10, 4), "07": (11, 4),
    "18": (7, 5), "21": (8, 5), "20": (9, 5), "10": (10, 5), "09": (11, 5), "08": (12, 5),
    "32": (2, 6), "31": (3, 6), "28": (5, 6), "26": (6, 6), "25": (7, 6), "23": (8, 6), "19": (9, 6), "11": (10, 6),
    "35": (1, 7), "34": (2, 7), "33": (3, 7), "27": (5, 7), "29": (6, 7), "24": (7, 7), "22": (8, 7), "14": (9, 7),
    "13": (10, 7), "12": (11, 7),
    "41": (0, 8), "40": (1, 8), "38": (3, 8), "37": (4, 8), "30": (6, 8),
    "42": (0, 9), "43": (1, 9), "44": (2, 9), "39": (3, 9), "36": (4, 9),
    "46": (1, 10), "45": (2, 10), "47": (0, 11),
}
TILE = 44
# A sequential blue scale with enough contrast for the labels (dark text on the light
# steps, white on the dark ones).
SCALE = ["#eef2fb", "#c9d6f2", "#93abe3", "#4f72cf", "#1f3fa6", "#0b2170"]


def tile_map(rows: list[Row], *, metric: str, link_for) -> dict:
    """Everything the server-side SVG map needs: tiles with colour, label and link."""
    values = {r.key["prefecture"]: r.metric(metric) for r in rows}
    top = max(values.values(), default=0) or 1
    tiles = []
    for code, (col, row) in TILE_GRID.items():
        value = values.get(code, 0.0)
        step = 0 if value <= 0 else min(len(SCALE) - 1, 1 + int((value / top) * (len(SCALE) - 2) + 0.5))
        tiles.append({
            "code": code, "name": PREFECTURES[code], "short": PREFECTURES[code].rstrip("都府県") if code != "01" else "北海道",
            "x": col * TILE, "y": row * TILE, "fill": SCALE[step], "dark": step >= 3, "value": value, "url": link_for(code),
        })
    return {"tiles": tiles, "width": 13 * TILE, "height": 12 * TILE, "size": TILE - 3, "scale": SCALE}
