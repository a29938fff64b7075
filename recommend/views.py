from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from core.errors import ApplicationError
from core.forms import flash_errors
from programs.models import SupportProgram

from .diagnosis import simulate
from .forms import FavouriteForm, SavedSearchForm
from .lokaben import workbook_bytes
from .selectors import (
    business_of,
    diagnosis_for,
    favourites_for,
    financial_years_for,
    nonfinancial_for,
    recommendations_for,
    saved_searches_for,
    simulation_programs,
)
from .services import (
    favourite_toggle,
    saved_search_create,
    saved_search_delete,
    saved_search_update,
)


@role_required("business")
def recommendations(request):
    business, results = recommendations_for(viewer=request.user)
    return render(request, "recommend/recommendations.html", {
        "business": business, "programs": results["program"], "case_studies": results["case_study"], "can_save": True,
        "pending": results["pending"],
    })


@role_required("business")
@require_POST
def favourite_toggle_view(request):
    form = FavouriteForm(request.POST)
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = ""
    if not form.is_valid():
        messages.error(request, _("This item could not be saved."))
    else:
        try:
            saved = favourite_toggle(user=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            flash_errors(request, exc.errors)
        else:
            messages.success(request, _("Saved to your list.") if saved else _("Removed from your list."))
    return redirect(target or "recommend:favourites")


@role_required("business")
def favourites(request):
    """マイ事例集: saved case studies and programs, and recently viewed items."""
    business, favourites, history = favourites_for(viewer=request.user)
    return render(request, "recommend/favourites.html", {"business": business, "favourites": favourites, "history": history})


def _chart_data(diagnosis) -> dict:
    return {
        "labels": [i.label for i in diagnosis.indicators],
        "levels": [i.level or 0 for i in diagnosis.indicators],
        "series": [
            {"label": i.label, "years": [y for y, _v in diagnosis.series.get(i.code, [])],
             "values": [None if v is None or v == float("inf") else round(v, 4) for _y, v in diagnosis.series.get(i.code, [])]}
            for i in diagnosis.indicators
        ],
        "level_label": _("Level (1-5)"),
    }


@role_required("business")
def diagnosis(request):
    """経営診断: the local-benchmark diagnosis of the business's own figures."""
    result = diagnosis_for(viewer=request.user)
    weak_themes = sorted({t for i in result.weak for t in i.themes})
    from programs.models import CaseStudy

    programs = SupportProgram.objects.filter(themes__overlap=weak_themes).order_by("deadline", "id")[:6] if weak_themes else []
    cases = CaseStudy.objects.filter(themes__overlap=weak_themes).order_by("-published_on", "id")[:6] if weak_themes else []
    return render(request, "recommend/diagnosis.html", {
        "diagnosis": result, "chart_data": _chart_data(result), "programs": programs, "cases": cases,
        "min_peers": 5, "views": nonfinancial_for(viewer=request.user),
    })


@role_required("business")
def diagnosis_workbook(request):
    """The ロカベンシート (Excel): the six indicators, their trend, the figures and the four
    non-financial views, as the page shows them."""
    from django.http import HttpResponse

    result = diagnosis_for(viewer=request.user)
    content = workbook_bytes(business=business_of(request.user), diagnosis=result,
                             views=nonfinancial_for(viewer=request.user), all_years=financial_years_for(viewer=request.user))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="lokaben_{result.fiscal_year or "none"}.xlsx"'
    return response


@role_required("business")
def simulation(request):
    result = diagnosis_for(viewer=request.user)
    choices = simulation_programs(diagnosis=result)
    projection, program, error = None, None, ""
    program_id = request.GET.get("program")
    if program_id:
        try:
            program = next(p for p in choices if p.pk == int(program_id))
        except (ValueError, StopIteration):
            error = _("Choose a program from the list.")
        else:
            program = SupportProgram.objects.get(pk=program.pk)
            projection = simulate(diagnosis=result, program=program)
            if projection is None and result.partial_years:
                error = _("Your record has no complete fiscal year to project from: %(years)s lack figures (see the diagnosis).") % {
                    "years": "、".join(str(fy) for fy, _missing in result.partial_years)}
            elif projection is None:
                error = _("Your record has no financial year to project from.")
    return render(request, "recommend/simulation.html", {
        "diagnosis": result, "choices": choices, "program": program, "projection": projection, "error": error,
    })


@role_required("business")
def saved_searches(request):
    return render(request, "recommend/saved_searches.html", {"searches": saved_searches_for(viewer=request.user)})


@role_required("business")
@require_POST
def saved_search_create_view(request):
    form = SavedSearchForm(request.POST)
    if not form.is_valid():
        flash_errors(request, form.errors)
        return redirect("recommend:saved_searches")
    try:
        saved_search_create(user=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        flash_errors(request, exc.errors)
    else:
        messages.success(request, _("Your search was saved."))
    return redirect("recommend:saved_searches")


@role_required("business")
@require_POST
def saved_search_update_view(request, search_id: int):
    saved_search_update(user=request.user, search_id=search_id, email_alerts=request.POST.get("email_alerts") == "on")
    messages.success(request, _("Your alert setting was changed."))
    return redirect("recommend:saved_searches")


@role_required("business")
@require_POST
def saved_search_delete_view(request, search_id: int):
    saved_search_delete(user=request.user, search_id=search_id)
    messages.success(request, _("The saved search was deleted."))
    return redirect("recommend:saved_searches")


