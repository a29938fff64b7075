"""Open data (seed 003 ※6; purpose 9, recipient 8): adopted subsidy cases, and for
procedures only the fact and date of certification where the applicant opted in.

Which rows, which fields:
- a case is published only where its business allows purpose 9 / recipient 8 for class 1
  (who: 法人番号, name, prefecture, municipality) and class 10 (what: program, year, round,
  result). A business that narrowed either is excluded entirely: an anonymous row would not
  be the ※6 item list, and a nameless adoption in a small municipality could still identify it;
- the plan title (class 8) and the support institution's name (class 12) are emptied where
  the business narrowed those classes for recipient 8;
- only subsidies with review result "adopted";
- only 法人 (corporations): ※6 names the 法人番号 and 法人名; a sole proprietor's name is a
  person's name, which the item list does not include;
- certified procedures (certified_on set) only with the checklist opt-in
  (`procedure_rule_q(purpose=9)`), and only corporate number, name, program and date.
"""

from __future__ import annotations

import hashlib
import time

from django.db.models import Exists, OuterRef, QuerySet

from applications.models import Application
from companies.models import Business
from consent.access import (
    PUBLIC,
    PURPOSE_OPEN_DATA,
    SystemRecipient,
    businesses_allowing,
    procedure_rule_q,
)
from consent.registry import OPEN_DATA_COLUMNS

OPEN_DATA = SystemRecipient(PUBLIC, "open data")
ADOPTION_FIELDS = [name for name, _class in OPEN_DATA_COLUMNS]
CERTIFICATION_FIELDS = ["corporate_number", "name", "program", "certified_on"]


def _allowed(data_class: int):
    return Exists(businesses_allowing(
        Business.objects.filter(pk=OuterRef("business_id")), purpose=PURPOSE_OPEN_DATA, data_class=data_class, viewer=OPEN_DATA,
    ))


def _published(qs: QuerySet) -> QuerySet:
    for data_class in (1, 10):
        qs = businesses_allowing(qs, purpose=PURPOSE_OPEN_DATA, data_class=data_class, viewer=OPEN_DATA, business_field="business_id")
    return qs


def _filter(qs: QuerySet, filters: dict) -> QuerySet:
    if filters.get("fiscal_year"):
        qs = qs.filter(fiscal_year=filters["fiscal_year"])
    if filters.get("prefecture"):
        qs = qs.filter(business__prefecture=filters["prefecture"])
    if filters.get("program"):
        qs = qs.filter(program=filters["program"])
    query = (filters.get("q") or "").strip()
    if query:
        digits = query.replace("-", "").replace(" ", "")
        if digits.isdigit() and len(digits) == 13:
            qs = qs.filter(business__corporate_number=digits)
        else:
            qs = qs.filter(business__name__icontains=query)
    return qs


def adoption_list(*, filters: dict) -> QuerySet:
    """Rows of dicts with exactly ADOPTION_FIELDS (ordered newest first)."""
    qs = Application.objects.filter(is_procedure=False, review_result=Application.ReviewResult.ADOPTED,
                                    business__corp_type=Business.CorpType.CORPORATION)
    qs = _filter(_published(qs), filters)
    return (
        qs.annotate(ok8=_allowed(8), ok12=_allowed(12))
        .order_by("-fiscal_year", "program", "round_number", "id")
        .values_list("business__corporate_number", "business__name", "business__prefecture", "business__municipality",
                     "plan_title", "program", "fiscal_year", "round_number", "review_result", "support_institution__name",
                     "ok8", "ok12")
    )


def adoption_record(values: tuple) -> dict:
    (corporate_number, name, prefecture, municipality, plan_title, program, fiscal_year, round_number, result,
     institution, ok8, ok12) = values
    return {
        "corporate_number": corporate_number or "",
        "name": name,
        "prefecture": prefecture,
        "municipality": municipality,
        "plan_title": plan_title if ok8 else "",
        "program": program,
        "fiscal_year": fiscal_year,
        "round": round_number,
        "result": result,
        "support_institution": (institution or "") if ok12 else "",
    }


def certification_list(*, filters: dict) -> QuerySet:
    qs = Application.objects.filter(is_procedure=True, certified_on__isnull=False, business__corp_type=Business.CorpType.CORPORATION).filter(procedure_rule_q(purpose=PURPOSE_OPEN_DATA))
    qs = _filter(_published(qs), filters)
    return qs.order_by("-certified_on", "id").values_list("business__corporate_number", "business__name", "program", "certified_on")


def certification_record(values: tuple) -> dict:
    corporate_number, name, program, certified_on = values
    return {"corporate_number": corporate_number or "", "name": name, "program": program, "certified_on": certified_on.isoformat()}


# --- cached pages (issue 16) -------------------------------------------------------------
#
# A JSON page of open data is cached per URL (filters, page, page size, host) under a
# generation number; anything that can change what is published — an application, a
# business, an institution's name, a consent narrowing or consent change, the policy —
# moves the generation on after its commit (analytics.signals), so the next request
# computes afresh. Writes that bypass model signals (queryset.update of applications) are
# covered by the time to live. Without the cache (Redis away) every request computes.

CACHE_SECONDS = 300
GENERATION_KEY = "opendata:generation"


def cache_generation() -> int | None:
    from django.core.cache import cache

    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = time.time_ns()
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY)
    return generation


def cache_invalidate() -> None:
    from django.core.cache import cache

    cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def cached_page(url: str, compute):
    """compute() → JSON-able data, cached under the current generation."""
    from django.core.cache import cache

    generation = cache_generation()
    if generation is None or getattr(cache, "is_down", lambda: False)():
        return compute()
    key = "opendata:page:" + hashlib.sha256(f"{generation}|{url}".encode()).hexdigest()
    data = cache.get(key)
    if data is None:
        data = compute()
        cache.set(key, data, timeout=CACHE_SECONDS)
    return data
