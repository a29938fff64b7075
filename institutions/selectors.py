"""Reads of support institutions: the public search, an institution's public track
record (purpose 7, aggregates only) and its staff's own pages."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from companies.models import Business
from consent.access import (
    PURPOSE_TRACK_RECORD,
    SMES,
    SUPPORT_INSTITUTIONS,
    SystemRecipient,
    viewer_recipient,
)
from consent.projection import rows_released

from .filters import InstitutionFilter
from .models import Institution, SupportRecord

SUPPORT_RECORD_CLASS = 13
# A theme is free text typed about one company's support: the public page names a theme
# only when it aggregates at least this many companies, so that no single company's
# support record (class 13, which the policy never gives the public) shows through.
MIN_COMPANIES_PER_THEME = 3


def institution_search(*, filters: dict | None = None) -> QuerySet[Institution]:
    qs = Institution.objects.filter(is_active=True).defer("search_tokens", "search_vector").order_by("prefecture", "kind", "name", "pk")
    return InstitutionFilter(filters or {}, queryset=qs).qs


def institution_public_get(*, pk: int) -> Institution | None:
    return Institution.objects.filter(pk=pk, is_active=True).first()


def institution_track_record(*, institution: Institution) -> dict:
    """Purpose 7 (支援機関の支援実績…の見える化), shown to the public as aggregates only:
    counted over the support records of businesses whose consent lets SMEs (recipient 6)
    use their class-13 data for purpose 7. No company is named, and a theme is named only
    when at least MIN_COMPANIES_PER_THEME companies share it."""
    records = rows_released(
        SupportRecord.objects.filter(institution=institution),
        purpose=PURPOSE_TRACK_RECORD, classes=(SUPPORT_RECORD_CLASS,), viewer=SystemRecipient(SMES, "track record"),
        business_field="business",
    )
    totals = records.aggregate(records=Count("pk"), companies=Count("business", distinct=True))
    themes = list(
        records.values("theme").annotate(count=Count("pk"), company_count=Count("business", distinct=True))
        .filter(company_count__gte=MIN_COMPANIES_PER_THEME).order_by("-count", "theme").values("theme", "count")[:10]
    )
    years = list(
        records.values("supported_on__year").annotate(count=Count("pk")).order_by("-supported_on__year")[:5]
    )
    return {"records": totals["records"], "companies": totals["companies"], "themes": themes, "years": years}


def staff_support_records(*, viewer) -> QuerySet[SupportRecord]:
    """An institution's own support records, each with its business (the institution
    entered it, with the company's approval in force; see supportable_businesses)."""
    return (
        SupportRecord.objects.filter(institution_id=viewer.institution_id)
        .select_related("business")
        .order_by("-supported_on", "-pk")
    )


def supportable_businesses(*, viewer) -> QuerySet[Business]:
    """Businesses whose identity (class 1) the viewer's institution may see now: those
    with an approval in force (purpose 6) that the company's consent allows. Support
    records are entered for these only, so entering one reveals nothing new."""
    if viewer_recipient(viewer) != SUPPORT_INSTITUTIONS:
        return Business.objects.none()
    return rows_released(Business.objects.all(), purpose=6, classes=(1,), viewer=viewer, business_field="pk").order_by("name")
