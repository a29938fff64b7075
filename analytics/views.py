"""Pages of analytics. Thin: authorise, validate the form, call a selector or service."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import researcher_is_approved
from accounts.permissions import role_required
from accounts.services import researcher_register
from companies.reference import PREFECTURES
from core import csv_files
from core.errors import ApplicationError
from core.forms import add_errors_to_form, flash_errors
from core.pdf import render_pdf

from . import charts, ebpm_runs, open_data, selectors, services
from . import dashboard as dash
from .dashboard import program_label
from .ebpm import EbpmParams
from .forms import (
    DashboardFilterForm,
    EbpmForm,
    ExtractFilterForm,
    OpenDataFilterForm,
    PledgeDecisionForm,
    PledgeForm,
    PledgeWithdrawForm,
    ResearcherRegisterForm,
)
from .models import ResearchPledge

PUBLIC_PAGE_SIZE = 50


# --- dashboard --------------------------------------------------------------------------


def _csv_response(rows, *, by: str, filename: str, encoding: str = "utf-8") -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header, table = dash.dashboard_csv_table(rows, by=by)
    writer.writerow(header)
    writer.writerows(table)
    response = HttpResponse(csv_files.encode_text(buffer.getvalue(), encoding, first=True), content_type=csv_files.content_type(encoding))
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required("agency_staff")
def dashboard(request):
    """BI dashboard over the summary table (see analytics/dashboard.py for consent and freshness)."""
    form = DashboardFilterForm(request.GET or None)
    filters = form.filters()
    by = (form.cleaned_data.get("by") if form.is_bound and form.is_valid() else "") or "fiscal_year"
    metric = (form.cleaned_data.get("metric") if form.is_bound and form.is_valid() else "") or "applications"
    rows = dash.dashboard_breakdown(viewer=request.user, by=by, filters=filters)
    if request.GET.get("format") == "csv":
        return _csv_response(rows, by=by, filename=f"mirasapo-dashboard-{by}.csv", encoding=csv_files.csv_encoding(request.GET))
    trend = rows if by == "fiscal_year" and "fiscal_year" not in filters else dash.dashboard_trend(viewer=request.user, filters=filters)
    by_prefecture = rows if by == "prefecture" else dash.dashboard_breakdown(viewer=request.user, by="prefecture", filters=filters)
    base = {k: v for k, v in filters.items()}

    def link(extra: dict, next_by: str) -> str:
        params = {**base, **{k: v for k, v in extra.items() if v is not None}, "by": next_by, "metric": metric}
        return "?" + urlencode(params)

    next_by = dash.NEXT_DIMENSION[by]
    table = [{"row": r, "url": link(r.key, next_by)} for r in rows]
    tile_map = dash.tile_map(by_prefecture, metric=metric, link_for=lambda code: link({"prefecture": code}, "industry"))
    active = [(form.fields[k].label, _display(form, k, v), "?" + urlencode({**{kk: vv for kk, vv in base.items() if kk != k}, "by": by}))
              for k, v in base.items()]
    context = {
        "form": form, "by": by, "by_label": dash.DIMENSION_LABELS[by], "metric": metric, "table": table,
        "totals": dash.dashboard_totals(viewer=request.user, filters=filters), "trend": trend, "map": tile_map,
        "by_prefecture": by_prefecture, "refresh": dash.last_refresh(), "active_filters": active,
        "csv_url": "?" + urlencode({**base, "by": by, "format": "csv"}),
        "trend_csv_url": "?" + urlencode({**{k: v for k, v in base.items() if k != "fiscal_year"}, "by": "fiscal_year", "format": "csv"}),
        "map_csv_url": "?" + urlencode({**base, "by": "prefecture", "format": "csv"}),
        "dimensions": [(d, dash.DIMENSION_LABELS[d], "?" + urlencode({**base, "by": d, "metric": metric})) for d in dash.DIMENSIONS],
        "chart_main": charts.breakdown_chart(rows, title=str(dash.DIMENSION_LABELS[by])),
        "chart_trend": charts.breakdown_chart(trend, title=_("Trend over the years")),
        "crumbs": [(_("Dashboard"), None)],
    }
    return render(request, "analytics/dashboard.html", context)


def _display(form, name: str, value) -> str:
    field = form.fields[name]
    choices = dict(getattr(field, "choices", []) or [])
    return str(choices.get(value, value))


# --- EBPM -------------------------------------------------------------------------------


@role_required("agency_staff")
def ebpm_list(request):
    form = EbpmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            analysis = services.ebpm_analysis_request(actor=request.user, params=form.params(),
                                                      title=form.cleaned_data.get("title", ""))
        except ApplicationError as exc:
            add_errors_to_form(form, exc.errors)
        else:
            messages.success(request, _("The evaluation is running in the background; this page shows its result when it is ready."))
            return redirect("analytics:ebpm_detail", analysis_id=analysis.pk)
    page = Paginator(selectors.analysis_list(viewer=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "analytics/ebpm_list.html", {"form": form, "page": page})


EBPM_FAILURES = {
    ebpm_runs.EBPM_NOT_ENOUGH_DATA: gettext_lazy(
        "There are not enough comparable adopted and non-adopted applicants for this selection."),
    ebpm_runs.EBPM_ERROR: gettext_lazy("The evaluation could not be computed. Run it again; if it fails again, tell the portal's operators."),
}


def _analysis_context(analysis) -> dict:
    params = EbpmParams.from_dict(analysis.params)
    if analysis.status != analysis.Status.DONE:
        return {"analysis": analysis, "params": params, "failure": EBPM_FAILURES.get(analysis.error, EBPM_FAILURES[ebpm_runs.EBPM_ERROR])}
    return {
        "analysis": analysis, "params": params, "results": analysis.results,
        "es_svg": charts.event_study_svg(analysis.results),
        "chart_es": charts.event_study_chart(analysis.results), "chart_map": charts.mapping_chart(analysis.results),
        "chart_means": charts.means_chart(analysis.results), "is_log": params.outcome == "log_sales",
        "confidence_pct": round(params.confidence * 100),
    }


@role_required("agency_staff")
def ebpm_detail(request, analysis_id: int):
    """While the evaluation runs, the page polls itself (htmx) and reloads once it is done."""
    analysis = selectors.analysis_for_agency(viewer=request.user, analysis_id=analysis_id)
    if request.htmx:
        if analysis.is_finished:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(request, "analytics/_ebpm_progress.html", {"analysis": analysis})
    return render(request, "analytics/ebpm_detail.html", _analysis_context(analysis))


@role_required("agency_staff")
@require_POST
def ebpm_rerun(request, analysis_id: int):
    """Run again with the recorded parameters (on today's data)."""
    analysis = selectors.analysis_for_agency(viewer=request.user, analysis_id=analysis_id)
    try:
        new = services.ebpm_analysis_request(actor=request.user, params=EbpmParams.from_dict(analysis.params),
                                             title=analysis.title)
    except ApplicationError as exc:
        flash_errors(request, exc.errors)
        return redirect("analytics:ebpm_detail", analysis_id=analysis.pk)
    messages.success(request, _("The evaluation runs again with the same parameters; this page shows its result when it is ready."))
    return redirect("analytics:ebpm_detail", analysis_id=new.pk)


@role_required("agency_staff")
def ebpm_pdf(request, analysis_id: int):
    analysis = selectors.analysis_for_agency(viewer=request.user, analysis_id=analysis_id)
    if analysis.status != analysis.Status.DONE:
        raise Http404
    pdf = render_pdf("analytics/ebpm_report.html", _analysis_context(analysis))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ebpm-{analysis.pk}.pdf"'
    return response


# --- researchers ------------------------------------------------------------------------


@login_required
def researcher_register_view(request):
    user = request.user
    if user.is_researcher:
        return redirect("analytics:pledge")
    if user.membership_or_none is not None or user.is_institution_staff or user.is_agency_staff:
        raise PermissionDenied
    form = ResearcherRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            researcher_register(user=user, affiliation=form.cleaned_data["affiliation"])
        except ApplicationError as exc:
            add_errors_to_form(form, exc.errors)
        else:
            messages.success(request, _("You are registered as a researcher. Next, submit the EBPM pledge."))
            return redirect("analytics:pledge")
    return render(request, "analytics/researcher_register.html", {"form": form})


@role_required("researcher")
def pledge(request):
    """The researcher's side: status of the pledge, the form to submit one."""
    profile = getattr(request.user, "researcher_profile", None)
    pledges = list(selectors.own_pledges(viewer=request.user)[:20])
    current = pledges[0] if pledges else None
    can_submit = current is None or current.status in (ResearchPledge.Status.REJECTED, ResearchPledge.Status.WITHDRAWN) or current.is_expired
    initial = {"affiliation": profile.affiliation if profile else ""}
    form = PledgeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_submit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.pledge_submit(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                add_errors_to_form(form, exc.errors)
            else:
                messages.success(request, _("Your pledge has been submitted. The SME Agency will review it."))
                return redirect("analytics:pledge")
    return render(request, "analytics/pledge.html", {
        "form": form, "pledges": pledges, "current": current, "can_submit": can_submit,
        "approved": researcher_is_approved(request.user),
    })


@role_required("researcher")
@require_POST
def pledge_withdraw_own(request, pledge_id: int):
    pledge = selectors.own_pledges(viewer=request.user).filter(pk=pledge_id).first()
    if pledge is None:
        raise Http404
    try:
        services.pledge_withdraw(actor=request.user, pledge=pledge, note="")
    except ApplicationError as exc:
        flash_errors(request, exc.errors)
    else:
        messages.success(request, _("Your pledge has been withdrawn."))
    return redirect("analytics:pledge")


@role_required("agency_staff")
def pledge_review_list(request):
    status = request.GET.get("status", "pending")
    if status not in ResearchPledge.Status.values and status != "all":
        status = "pending"
    qs = selectors.pledge_list(viewer=request.user, status="" if status == "all" else status)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "analytics/pledge_review_list.html", {
        "page": page, "status": status, "statuses": [("pending", _("Awaiting review")), ("approved", _("Approved")),
                                                     ("rejected", _("Rejected")), ("withdrawn", _("Withdrawn")), ("all", pgettext("filter", "All"))],
    })


@role_required("agency_staff")
def pledge_review(request, pledge_id: int):
    pledge = selectors.pledge_for_agency(viewer=request.user, pledge_id=pledge_id)
    decision_form = PledgeDecisionForm(request.POST if request.POST.get("action") == "decide" else None)
    withdraw_form = PledgeWithdrawForm(request.POST if request.POST.get("action") == "withdraw" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "decide" and decision_form.is_valid():
                d = decision_form.cleaned_data
                services.pledge_decide(actor=request.user, pledge=pledge, decision=d["decision"],
                                       approved_until=d.get("approved_until"), note=d.get("note", ""))
                messages.success(request, _("The decision has been recorded and the researcher notified."))
                return redirect("analytics:pledge_review", pledge_id=pledge.pk)
            if request.POST.get("action") == "withdraw" and withdraw_form.is_valid():
                services.pledge_withdraw(actor=request.user, pledge=pledge, note=withdraw_form.cleaned_data.get("note", ""))
                messages.success(request, _("The approval has been withdrawn."))
                return redirect("analytics:pledge_review", pledge_id=pledge.pk)
        except ApplicationError as exc:
            add_errors_to_form(decision_form if request.POST.get("action") == "decide" else withdraw_form, exc.errors)
    return render(request, "analytics/pledge_review.html", {
        "pledge": pledge, "decision_form": decision_form, "withdraw_form": withdraw_form,
    })


@role_required("agency_staff")
def extract_log(request):
    page = Paginator(selectors.extract_log(viewer=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "analytics/extract_log.html", {"page": page})


@role_required("researcher")
def extract_page(request):
    """The researcher's extract page: filters, the download link (the API), past downloads."""
    if not researcher_is_approved(request.user):
        raise PermissionDenied
    form = ExtractFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound and form.is_valid() else {}
    download_url = reverse("api-research-extract") + ("?" + urlencode(filters) if filters else "")
    downloads = Paginator(selectors.own_downloads(viewer=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "analytics/extract.html", {"form": form, "download_url": download_url, "downloads": downloads})


# --- open data (public) -----------------------------------------------------------------


# A query string longer than this is answered without the cache (no one types it; it would
# only fill the cache).
OPEN_DATA_CACHED_QUERY_MAX = 500


def open_data_page(request):
    """Open data (public): the same for every caller who asks the same query, so the page's
    content (form, adopted cases, certifications) is rendered once per language and query
    under the open-data cache's generation (analytics.open_data.cached_page: moved on by
    any change that can alter what is published) and reused."""
    def compute() -> str:
        form = OpenDataFilterForm(request.GET or None)
        filters = form.filters() if form.is_bound and form.is_valid() else {}
        page = Paginator(open_data.adoption_list(filters=filters), PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))
        records = [
            {**open_data.adoption_record(v), "program_label": program_label(v[5]), "prefecture_name": PREFECTURES.get(v[2], v[2])}
            for v in page.object_list
        ]
        certifications = [{**open_data.certification_record(v), "program_label": program_label(v[2])}
                          for v in open_data.certification_list(filters=filters)[:PUBLIC_PAGE_SIZE]]
        query = urlencode({k: v for k, v in filters.items() if k != "q"})
        return render_to_string("analytics/_open_data_content.html", {
            "form": form, "page": page, "records": records, "certifications": certifications,
            "csv_url": reverse("api-open-data-adoptions") + "?" + urlencode({**{k: v for k, v in filters.items()}, "format": "csv", "labels": "1"}),
            "json_url": reverse("api-open-data-adoptions") + ("?" + query if query else ""),
            "cert_csv_url": reverse("api-open-data-certifications") + "?" + urlencode({**filters, "format": "csv", "labels": "1"}),
            "page_query": urlencode(filters),
        })

    query = request.META.get("QUERY_STRING", "")
    if len(query) > OPEN_DATA_CACHED_QUERY_MAX:
        content = compute()
    else:
        content = open_data.cached_page(f"open_data_page|{get_language()}|{query}", compute)
    return render(request, "analytics/open_data.html", {"content": mark_safe(content)})  # noqa: S308 - our template's output
