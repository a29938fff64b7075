from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.shortcuts import render

from companies.reference import PREFECTURES
from core.input import parse_int_or_none
from recommend.services import view_record

from .rounds import reception_period
from .selectors import (
    case_study_detail,
    case_study_list,
    program_detail,
    program_list,
    viewer_business_id,
)

PAGE_SIZE = 20


def _page(request, queryset):
    """The page, with the total counted in the same query (COUNT(*) OVER ()): one round
    trip for a search instead of two; an empty or out-of-range page counts apart."""
    paginator = Paginator(queryset, PAGE_SIZE)
    number = parse_int_or_none(request.GET.get("page"), minimum=1, maximum=100_000) or 1
    start = (number - 1) * PAGE_SIZE
    rows = list(queryset.annotate(total_count=Window(Count("*")))[start:start + PAGE_SIZE])
    if not rows:
        return paginator.get_page(number)
    paginator.count = rows[0].total_count
    page = paginator.page(number)
    page.object_list = rows
    return page


def _querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def program_index(request):
    """支援制度ナビ: every program, filterable and searchable (public)."""
    filterset = program_list(viewer=request.user, filters=request.GET)
    page = _page(request, filterset.qs)
    return render(request, "programs/program_list.html", {
        "filter": filterset, "page_obj": page, "querystring": _querystring_without_page(request),
        "can_save": viewer_business_id(request.user) is not None,
    })


def program_show(request, program_id: int):
    program = program_detail(viewer=request.user, program_id=program_id)
    view_record(viewer=request.user, program=program)
    opens_on, closes_on, round_ = reception_period(program)
    return render(request, "programs/program_detail.html", {
        "program": program, "prefecture_names": [PREFECTURES.get(c, c) for c in program.prefectures], "can_save": viewer_business_id(request.user) is not None,
        "opens_on": opens_on, "closes_on": closes_on, "round": round_,
    })


def case_index(request):
    """事例ナビ: every case study, filterable and searchable (public)."""
    filterset = case_study_list(viewer=request.user, filters=request.GET)
    page = _page(request, filterset.qs)
    return render(request, "programs/case_list.html", {
        "filter": filterset, "page_obj": page, "querystring": _querystring_without_page(request),
        "can_save": viewer_business_id(request.user) is not None,
    })


def case_show(request, case_id: int):
    case = case_study_detail(viewer=request.user, case_id=case_id)
    view_record(viewer=request.user, case_study=case)
    return render(request, "programs/case_detail.html", {
        "case": case, "can_save": viewer_business_id(request.user) is not None,
    })
