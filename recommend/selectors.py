"""Reads for a business user's own recommendation pages. Each takes the viewer and starts
from the viewer's own business (a business user sees only its own)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Value
from django.utils import timezone, translation

from companies.models import (
    Business,
    BusinessPlan,
    BusinessProfile,
    Challenge,
    ContactPerson,
    FinancialYear,
    Succession,
)
from consent.access import APPLICANT, PURPOSE_APPLICANT_RECORDS, ConsentContext, require
from consent.registry import FINANCIALS
from programs.models import CaseStudy, SupportProgram

from .diagnosis import Diagnosis, diagnose
from .engine import Recommendation
from .lokaben import WITHHELD, NonFinancialView, nonfinancial_views
from .models import Favourite, RecommendationSet, SavedSearch, ViewEvent


def business_of(viewer) -> Business:
    membership = viewer.membership_or_none if getattr(viewer, "is_authenticated", False) else None
    if membership is None:
        raise PermissionDenied
    return Business.objects.get(pk=membership.business_id)


def _stored_set(business_id: int, today) -> RecommendationSet | None:
    row = RecommendationSet.objects.filter(business_id=business_id).first()
    if row is None or row.stale or row.computed_on < today:
        # Stale or missing: the worker recomputes it (debounced); meanwhile what is stored is
        # served. (With CELERY_TASK_ALWAYS_EAGER, in tests, the task has run by now.)
        from .services import recommendations_request_refresh

        if recommendations_request_refresh(business_id):
            row = RecommendationSet.objects.filter(business_id=business_id).first()
    return row


def recommendations_for(*, viewer, limit: int = 10):
    """The business's precomputed recommendations (recommend.services.recommendations_refresh
    stores what recommend.engine.recommend returns), in the request's language, as
    engine.Recommendation objects. The engine never runs here. Returns (business, results);
    results["pending"] is True while a business's first set is still being computed."""
    business = business_of(viewer)
    today = timezone.localdate()
    row = _stored_set(business.pk, today)
    results: dict = {"program": [], "case_study": [], "pending": row is None}
    if row is None:
        return business, results
    language = translation.get_language() or settings.LANGUAGE_CODE
    stored = row.items.get(language) or row.items.get(settings.LANGUAGE_CODE) or {}
    entries = {kind: stored.get(kind, [])[:limit] for kind in ("program", "case_study")}
    programs = SupportProgram.objects.filter(pk__in=[e["id"] for e in entries["program"]]).filter(
        Q(deadline__isnull=True) | Q(deadline__gte=today)).defer("body", "search_text", "search_tokens", "search_vector").in_bulk()
    cases = CaseStudy.objects.filter(pk__in=[e["id"] for e in entries["case_study"]]).defer(
        "actions", "results", "search_text", "search_tokens", "search_vector").in_bulk()
    for kind, items in (("program", programs), ("case_study", cases)):
        for entry in entries[kind]:
            item = items.get(entry["id"])
            if item is None:  # removed, or its deadline passed since the set was computed
                continue
            results[kind].append(Recommendation(
                kind=kind, item=item, score=entry["score"], reasons=list(entry["reasons"]), content=entry["content"],
                collaborative=entry["collaborative"], finance_based=entry["finance_based"]))
    return business, results


def recommendation_titles_for(*, viewer, limit: int = 10) -> dict[str, list[dict]]:
    """The API's form of recommendations_for: the same stored set and the same items (a
    program whose deadline passed, or an item removed, since the set was computed is left
    out), as {"program": [{id, title, score, reasons}], "case_study": [...]}, without loading
    the business or whole catalogue rows: one query for the set, one for the titles."""
    membership = viewer.membership_or_none if getattr(viewer, "is_authenticated", False) else None
    if membership is None:
        raise PermissionDenied
    today = timezone.localdate()
    row = _stored_set(membership.business_id, today)
    results: dict[str, list[dict]] = {"program": [], "case_study": []}
    if row is None:
        return results
    language = translation.get_language() or settings.LANGUAGE_CODE
    stored = row.items.get(language) or row.items.get(settings.LANGUAGE_CODE) or {}
    entries = {kind: stored.get(kind, [])[:limit] for kind in ("program", "case_study")}
    programs = SupportProgram.objects.filter(pk__in=[e["id"] for e in entries["program"]]).filter(
        Q(deadline__isnull=True) | Q(deadline__gte=today)).annotate(item_kind=Value("program")).values_list("pk", "name", "item_kind")
    cases = CaseStudy.objects.filter(pk__in=[e["id"] for e in entries["case_study"]]).annotate(
        item_kind=Value("case_study")).values_list("pk", "title", "item_kind")
    titles = {(kind, pk): title for pk, title, kind in programs.union(cases, all=True)}
    for kind in ("program", "case_study"):
        for entry in entries[kind]:
            title = titles.get((kind, entry["id"]))
            if title is None:  # removed, or its deadline passed since the set was computed
                continue
            results[kind].append({"id": entry["id"], "title": title, "score": entry["score"], "reasons": list(entry["reasons"])})
    return results


def favourites_for(*, viewer):
    business = business_of(viewer)
    favourites = Favourite.objects.filter(business=business).select_related("program", "case_study").order_by("-created_at")
    history = ViewEvent.objects.filter(business=business).select_related("program", "case_study").order_by("-viewed_at")[:30]
    return business, favourites, history


def diagnosis_for(*, viewer) -> Diagnosis:
    """The business's own figures, shown to its own user: purpose 3, recipient 7."""
    business = business_of(viewer)
    require(business_id=business.pk, purpose=PURPOSE_APPLICANT_RECORDS, data_class=FINANCIALS, recipient=APPLICANT, viewer=viewer)
    years = list(FinancialYear.objects.filter(business=business).order_by("fiscal_year"))
    return diagnose(business=business, years=years)


def financial_years_for(*, viewer) -> list[FinancialYear]:
    """Every registered year, partial ones too (the ロカベンシート lists them, flagged)."""
    business = business_of(viewer)
    require(business_id=business.pk, purpose=PURPOSE_APPLICANT_RECORDS, data_class=FINANCIALS, recipient=APPLICANT, viewer=viewer)
    return list(FinancialYear.objects.filter(business=business).order_by("fiscal_year"))


def nonfinancial_for(*, viewer) -> list[NonFinancialView]:
    """The four non-financial views from the business's own record, each data class as the
    consent releases it to the business's own user (purpose 3, recipient 7)."""
    business = business_of(viewer)
    context = ConsentContext([business.pk])

    def allowed(data_class: int) -> bool:
        return context.decide(business.pk, purpose=PURPOSE_APPLICANT_RECORDS, data_class=data_class, recipient=APPLICANT,
                              viewer=viewer).allowed

    def one(model, data_class: int):
        return model.objects.filter(business=business).first() if allowed(data_class) else WITHHELD

    return nonfinancial_views(
        business=business if allowed(1) else WITHHELD,
        profile=one(BusinessProfile, 3), succession=one(Succession, 4), contact=one(ContactPerson, 5),
        plan=one(BusinessPlan, 7),
        challenges=list(Challenge.objects.filter(business=business).order_by("theme")) if allowed(11) else WITHHELD,
    )


def simulation_programs(*, diagnosis: Diagnosis):
    """Programs the user may simulate: those addressing a weak indicator first, then the rest."""
    weak_themes = {t for i in diagnosis.weak for t in i.themes}
    programs = list(SupportProgram.objects.filter(assumed_sales_uplift__gt=0).only("id", "name", "themes", "kind").order_by("name")[:300])
    programs.sort(key=lambda p: (not (set(p.themes) & weak_themes), p.name))
    return programs


def saved_searches_for(*, viewer):
    return SavedSearch.objects.filter(user=viewer).order_by("-created_at")
