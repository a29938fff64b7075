"""Open data (seed 003 ※6; purpose 9, recipient 8): adopted subsidy cases, and for
procedures only the fact and date of certification where the applicant opted in.

Everything leaves through the set-based projection (`consent.projection.release_rows`,
purpose 9, the public as a SystemRecipient). Which rows, which fields:
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
  (the projection's procedure-origin rule), and only corporate number, name, program and date.
"""

from __future__ import annotations

import hashlib
import time

from django.db.models import QuerySet

from applications.models import Application
from companies.models import Business
from consent.access import PUBLIC, PURPOSE_OPEN_DATA, SystemRecipient
from consent.projection import Column, release_rows
from consent.registry import OPEN_DATA_COLUMNS

OPEN_DATA = SystemRecipient(PUBLIC, "open data")
ADOPTION_FIELDS = [name for name, _class in OPEN_DATA_COLUMNS]
CERTIFICATION_FIELDS = ["corporate_number", "name", "program", "certified_on"]


ADOPTION_COLUMNS = [
    Column(name, lookup) for name, lookup in (
        ("corporate_number", "business__corporate_number"), ("name", "business__name"),
        ("prefecture", "business__prefecture"), ("municipality", "business__municipality"),
        ("plan_title", "plan_title"), ("program", "program"), ("fiscal_year", "fiscal_year"),
        ("round", "round_number"),
        # The result published is the adoption (制度活用情報, class 10: the case's status), not
        # the review (class 9, never open data); every row is an adopted case.
        ("result", "status"), ("support_institution", "support_institution__name"),
    )
]
ADOPTED_STATES = (Application.Status.ADOPTED, Application.Status.COMPLETED)
CERTIFICATION_COLUMNS = [
    Column(name, lookup) for name, lookup in (
        ("corporate_number", "business__corporate_number"), ("name", "business__name"), ("program", "program"),
        ("certified_on", "certified_on"),
    )
]


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
    qs = _filter(qs, filters).order_by("-fiscal_year", "program", "round_number", "id")
    # Classes 1 and 10 or no row; the plan title (8) and the institution (12) per row.
    return release_rows(qs, viewer=OPEN_DATA, purpose=PURPOSE_OPEN_DATA, columns=ADOPTION_COLUMNS, require=(1, 10)).queryset


def adoption_record(values: tuple) -> dict:
    (corporate_number, name, prefecture, municipality, plan_title, program, fiscal_year, round_number, result,
     institution) = values
    return {
        "corporate_number": corporate_number or "",
        "name": name,
        "prefecture": prefecture,
        "municipality": municipality,
        "plan_title": plan_title or "",
        "program": program,
        "fiscal_year": fiscal_year,
        "round": round_number,
        "result": Application.ReviewResult.ADOPTED if result in ADOPTED_STATES else result,
        "support_institution": institution or "",
    }


def certification_list(*, filters: dict) -> QuerySet:
    # The projection serves a procedure without the checklist opt-in to no one but the applicant.
    qs = Application.objects.filter(is_procedure=True, certified_on__isnull=False, business__corp_type=Business.CorpType.CORPORATION)
    qs = _filter(qs, filters).order_by("-certified_on", "id")
    return release_rows(qs, viewer=OPEN_DATA, purpose=PURPOSE_OPEN_DATA, columns=CERTIFICATION_COLUMNS, require=(1, 10)).queryset


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
