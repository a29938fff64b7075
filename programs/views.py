from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from companies.reference import PREFECTURES
from core import pagecache
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


# A query string longer than this is answered without the cache (no one types it; it would
# only fill the cache).
CACHED_QUERY_MAX = 500


def _catalogue_list(request, *, name: str, selector, content: str, page: str, key: tuple = ()):
    """A catalogue list (支援制度ナビ, 事例ナビ): the filter form and results rendered from
    `selector`'s filterset into `content`, inside `page`. Without a business the content is
    the same for everyone who asks the same query: kept per language, query (and `key`) under
    the catalogue generation; a business's users get their saved flags and save forms,
    rendered per request."""
    can_save = viewer_business_id(request.user) is not None

    def compute() -> str:
        filterset = selector(viewer=request.user, filters=request.GET)
        return render_to_string(content, {
            "filter": filterset, "page_obj": _page(request, filterset.qs), "querystring": _querystring_without_page(request),
            "can_save": can_save,
        }, request=request if can_save else None)

    query = request.META.get("QUERY_STRING", "")
    if can_save or len(query) > CACHED_QUERY_MAX:
        rendered = compute()
    else:
        signed_in = bool(request.user.is_authenticated)
        rendered = pagecache.cached("catalogue", (name, get_language(), signed_in, *key, query), compute)
    return render(request, page, {"content": mark_safe(rendered)})  # noqa: S308 - our template's output


@pagecache.anonymous_page("catalogue")
def program_index(request):
    """支援制度ナビ: every program, filterable and searchable (public). Without a business
    (anonymous callers, staff) the form and results are the same for everyone who asks the
    same query: rendered once per language, query and catalogue generation (core.pagecache).
    A business's users get their saved flags and save forms, rendered per request. For
    anonymous callers the whole page is kept (core.pagecache.anonymous_page)."""
    return _catalogue_list(request, name="programs", selector=program_list, content="programs/_program_list_content.html",
                           page="programs/program_list.html", key=(timezone.localdate(),))


@pagecache.anonymous_page("catalogue")
def program_show(request, program_id: int):
    """A program's page. What it shows of the program is the same for every caller: it is
    rendered once per language, day (the reception period) and catalogue generation
    (core.pagecache) and reused; a business's users also get their saved flag and form,
    rendered per request, and their view is recorded. For anonymous callers the whole page
    is kept (core.pagecache.anonymous_page)."""
    business_id = viewer_business_id(request.user)
    program = program_detail(viewer=request.user, program_id=program_id, with_cases=False) if business_id else None

    def compute() -> dict[str, str]:
        shown = program_detail(viewer=None, program_id=program_id)  # 404 for a program that does not exist
        opens_on, closes_on, round_ = reception_period(shown)
        context = {"program": shown, "prefecture_names": [PREFECTURES.get(c, c) for c in shown.prefectures],
                   "opens_on": opens_on, "closes_on": closes_on, "round": round_}
        return {"title": shown.name, "top": render_to_string("programs/_program_detail_top.html", context),
                "body": render_to_string("programs/_program_detail_body.html", context)}

    page = pagecache.cached("catalogue", ("program", program_id, get_language(), timezone.localdate()), compute)
    if program is not None:
        view_record(viewer=request.user, program=program)
    return render(request, "programs/program_detail.html", {
        "title": page["title"], "top": mark_safe(page["top"]), "body": mark_safe(page["body"]),  # noqa: S308 - our templates' output
        "program": program, "can_save": business_id is not None,
    })


def case_index(request):
    """事例ナビ: every case study, filterable and searchable (public). Like 支援制度ナビ, without a
    business the list is the same for everyone who asks the same query: rendered once per
    language, query and catalogue generation (core.pagecache); a business's users get their
    saved flags and save forms, rendered per request."""
    return _catalogue_list(request, name="cases", selector=case_study_list, content="programs/_case_list_content.html",
                           page="programs/case_list.html")


def case_show(request, case_id: int):
    case = case_study_detail(viewer=request.user, case_id=case_id)
    view_record(viewer=request.user, case_study=case)
    return render(request, "programs/case_detail.html", {
        "case": case, "can_save": viewer_business_id(request.user) is not None,
    })
