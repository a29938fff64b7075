"""Pages for SME Agency staff (MFA enforced by accounts.middleware): the CSV upload with
its dry run, the review queue of uncertain matches, and the list of intake batches."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import role_required
from core.errors import ApplicationError
from core.forms import add_errors_to_form

from .csvfile import field_label
from .forms import CsvUploadForm, ImportConfirmForm, ReviewDecisionForm
from .models import IntakeItem, Outcome, RecordKind, ReviewItem
from .selectors import batch_list, review_candidates, review_item_get, review_queue
from .services import records_import, review_item_decide

UPLOAD_TTL = 60 * 60
PAGE_SIZE = 50


def _upload_key(user_id: int, token: str) -> str:
    return f"linkage:upload:{user_id}:{token}"


def _report_context(report) -> dict:
    rows = [
        {"line": r.line, "record_id": r.record_id, "outcome": r.outcome, "outcome_label": Outcome(r.outcome).label if r.outcome else "",
         "changes": [field_label(c) for c in r.changes],
         "errors": [(field_label(name), message) for name, msgs in r.errors.items() for message in msgs]}
        for r in report.rows
    ]
    counts = [(Outcome(k).label, v) for k, v in report.counts.items() if v]
    kind = RecordKind(report.kind).label if report.kind in RecordKind.values else report.kind
    return {"report": report, "rows": rows, "counts": counts, "kind_label": kind}


@role_required("agency_staff")
@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        institution = form.cleaned_data["institution"]
        kind = form.cleaned_data["kind"] or None
        filename = form.cleaned_data["file"].name
        try:
            report = records_import(data=data, filename=filename, institution_id=institution.pk, actor=request.user,
                                    kind=kind, dry_run=True)
        except ApplicationError as exc:
            add_errors_to_form(form, exc.errors)
        else:
            token = secrets.token_urlsafe(16)
            cache.set(_upload_key(request.user.pk, token),
                      {"data": data, "filename": filename, "institution_id": institution.pk, "kind": report.kind},
                      UPLOAD_TTL)
            confirm = ImportConfirmForm(initial={"token": token})
            return render(request, "linkage/import_report.html",
                          {**_report_context(report), "confirm_form": confirm, "institution": institution})
    return render(request, "linkage/import_upload.html", {"form": form})


@role_required("agency_staff")
@require_POST
def import_confirm(request):
    form = ImportConfirmForm(request.POST)
    upload = cache.get(_upload_key(request.user.pk, form.data.get("token", ""))) if form.is_valid() else None
    if upload is None:
        messages.error(request, _("The uploaded file has expired. Please upload it again."))
        return redirect("linkage:import")
    report = records_import(data=upload["data"], filename=upload["filename"], institution_id=upload["institution_id"],
                            actor=request.user, kind=upload["kind"],
                            import_good_rows=form.cleaned_data["import_good_rows"])
    if report.applied:
        cache.delete(_upload_key(request.user.pk, form.cleaned_data["token"]))
        messages.success(request, _("Imported %(count)d records as batch %(batch)d.") % {
            "count": len(report.good_rows), "batch": report.batch_id})
        return redirect("linkage:batch_list")
    messages.error(request, _("Nothing was imported: some rows are bad. Fix the file, or choose to import the good rows."))
    return render(request, "linkage/import_report.html", {**_report_context(report), "confirm_form": form})


@role_required("agency_staff")
def review_list(request):
    page = Paginator(review_queue(viewer=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "linkage/review_list.html", {"page": page})


@role_required("agency_staff")
@require_http_methods(["GET", "POST"])
def review_detail(request, item_id: int):
    item = review_item_get(viewer=request.user, item_id=item_id)
    form = ReviewDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_item_decide(actor=request.user, item_id=item.pk, decision=form.cleaned_data["decision"],
                               business_id=form.cleaned_data["business"])
        except ApplicationError as exc:
            add_errors_to_form(form, exc.errors)
        else:
            if form.cleaned_data["decision"] == "confirm":
                messages.success(request, _("The record was linked to the business and stored."))
            else:
                messages.success(request, _("The record was rejected; nothing was stored."))
            return redirect("linkage:review_list")
    candidates, hidden = review_candidates(viewer=request.user, item=item)
    return render(request, "linkage/review_detail.html",
                  {"item": item, "candidates": candidates, "hidden": hidden, "form": form,
                   "pending": item.status == ReviewItem.Status.PENDING})


@role_required("agency_staff")
def batch_list_view(request):
    page = Paginator(batch_list(viewer=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(b, [(Outcome(k).label, v) for k, v in b.counts.items() if v]) for b in page]
    return render(request, "linkage/batch_list.html", {"page": page, "rows": rows})


@role_required("agency_staff")
def batch_detail(request, batch_id: int):
    batch = batch_list(viewer=request.user).filter(pk=batch_id).first()
    if batch is None:
        raise Http404
    items = Paginator(IntakeItem.objects.filter(batch=batch).order_by("position"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "linkage/batch_detail.html", {"batch": batch, "page": items})
