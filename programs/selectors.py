"""Reads of the catalogue. The catalogue is public; what a business saved or viewed is
read only for that business's own users."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from .filters import CaseStudyFilter, ProgramFilter
from .models import CaseStudy, SupportProgram


def viewer_business_id(viewer) -> int | None:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return None
    membership = viewer.membership_or_none
    return membership.business_id if membership is not None else None


def _with_favourite_flag(queryset: QuerySet, *, viewer, field: str) -> QuerySet:
    from recommend.models import Favourite

    business_id = viewer_business_id(viewer)
    if business_id is None:
        return queryset
    return queryset.annotate(is_favourite=Exists(Favourite.objects.filter(business_id=business_id, **{field: OuterRef("pk")})))


def program_list(*, viewer, filters: dict) -> ProgramFilter:
    """The FilterSet over every program (public), with the viewer's saved flag."""
    queryset = _with_favourite_flag(
        SupportProgram.objects.defer("body", "search_text", "search_tokens", "search_vector"), viewer=viewer, field="program"
    )
    return ProgramFilter(filters, queryset=queryset)


def case_study_list(*, viewer, filters: dict) -> CaseStudyFilter:
    queryset = _with_favourite_flag(
        CaseStudy.objects.defer("actions", "results", "search_text", "search_tokens", "search_vector"), viewer=viewer, field="case_study"
    )
    return CaseStudyFilter(filters, queryset=queryset)


def program_detail(*, viewer, program_id: int, with_cases: bool = True) -> SupportProgram:
    queryset = _with_favourite_flag(SupportProgram.objects.all(), viewer=viewer, field="program")
    if with_cases:
        queryset = queryset.prefetch_related("case_studies")
    else:  # the saved flag and the view record only: what the page shows comes from its cached fragment
        queryset = queryset.only("pk")
    return get_object_or_404(queryset, pk=program_id)


def case_study_detail(*, viewer, case_id: int) -> CaseStudy:
    queryset = _with_favourite_flag(CaseStudy.objects.all(), viewer=viewer, field="case_study")
    return get_object_or_404(queryset.prefetch_related("programs"), pk=case_id)
