"""Demo data for analytics: the research pledges of the demo researchers, and a true
effect of adoption built into the financials so that the EBPM analysis has something to
find (runs after applications in core.demo.SEED_ORDER).

The effect: for a business whose first adopted subsidy application is in fiscal year A,
sales and profits of fiscal year A + k (k ≥ 1) are multiplied by 1 + planted_effect(k),
with planted_effect(k) = 8 % + 4 % × (k − 1): 8 % the year after, 12 % the next, and so on.
Deterministic (no randomness), so tests can compare the estimate with the truth.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import F, Min, Value
from django.utils import timezone

from applications.models import Application
from companies.models import FinancialYear
from core.demo import DemoContext

from .models import ResearchPledge

PLANTED_BASE = 0.08
PLANTED_STEP = 0.04
PLANTED_FIELDS = ("sales", "gross_profit", "operating_profit", "ordinary_profit", "net_income")


def planted_effect(k: int) -> float:
    """The true proportional effect of adoption k fiscal years after the adoption year."""
    return 0.0 if k < 1 else PLANTED_BASE + PLANTED_STEP * (k - 1)


def first_adoption_years() -> dict[int, int]:
    """business id → fiscal year of its first adopted subsidy application."""
    rows = (
        Application.objects.filter(review_result=Application.ReviewResult.ADOPTED, is_procedure=False)
        .values("business_id").annotate(first=Min("fiscal_year")).values_list("business_id", "first")
    )
    return dict(rows)


def plant_effect(adoption_years: dict[int, int], *, last_year: int = 2030) -> int:
    """Multiply the post-adoption financials by (1 + effect). Returns the rows changed."""
    by_year: dict[int, list[int]] = defaultdict(list)
    for business_id, year in adoption_years.items():
        by_year[year].append(business_id)
    changed = 0
    for year, business_ids in sorted(by_year.items()):
        for k in range(1, last_year - year + 1):
            factor = Value(1 + planted_effect(k))
            changed += FinancialYear.objects.filter(business_id__in=business_ids, fiscal_year=year + k).update(
                **{name: F(name) * factor for name in PLANTED_FIELDS}
            )
    return changed


def seed(ctx: DemoContext) -> None:
    adoption = first_adoption_years()
    changed = plant_effect(adoption)
    ctx.extra["planted_adoption_years"] = adoption
    analyst = ctx.users.get("analyst@agency.demo.mirasapo.jp")
    now = timezone.now()
    researcher = ctx.users.get("researcher@univ.demo.mirasapo.jp")
    if researcher is not None:
        profile = researcher.researcher_profile
        ResearchPledge.objects.create(
            researcher=researcher, affiliation=profile.affiliation,
            research_purpose="持続化補助金・ものづくり補助金の採択が売上高・付加価値額に与える効果の検証(EBPM)に限って利用する。",
            research_record="中小企業の生産性と公的支援に関する実証研究(査読付き論文5本)。",
            information_management="学内の施錠されたデータ室の専用端末でのみ扱い、外部ネットワークから遮断。利用者は本人のみ、分析終了後に消去。",
            accepted_terms=True, status=ResearchPledge.Status.APPROVED, decided_by=analyst, decided_at=now,
            approved_until=profile.approved_until or dt.date(2027, 12, 31),
        )
    applicant = ctx.users.get("applicant-researcher@univ.demo.mirasapo.jp")
    if applicant is not None:
        ResearchPledge.objects.create(
            researcher=applicant, affiliation=applicant.researcher_profile.affiliation,
            research_purpose="IT導入補助金の利用が小規模事業者の経常利益に与える効果の検証(EBPM)。",
            research_record="地域経済と中小企業のデジタル化に関する研究。",
            information_management="暗号化された研究用サーバーで管理し、アクセスは研究代表者のみ。",
            accepted_terms=True, status=ResearchPledge.Status.PENDING,
        )
    # The dashboard's summary, so that the demo dashboard has figures before the first beat run.
    from .dashboard import dashboard_summary_refresh

    refresh = dashboard_summary_refresh()
    ctx.say(f"  dashboard summary: {refresh.cells} cells")
    ctx.say(f"  planted an effect of adoption for {len(adoption)} businesses ({changed} financial years); research pledges")
