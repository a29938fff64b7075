"""The business's own record pages (個社情報): view each part with its source and date,
edit it (Prime holder, or a Member allowed to), and the history of edits."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from core.errors import ApplicationError
from core.forms import add_errors_to_form

from .forms import part_form_class
from .mydata import my_data
from .record import PARTS, field_label
from .selectors import (
    business_for_record_or_404,
    may_edit_record,
    record_classes_visible,
    record_history,
    record_overview,
    record_row_for_edit,
)
from .services import financial_year_upsert, record_part_update, record_row_delete


@role_required("business")
def record(request):
    business = business_for_record_or_404(request.user)
    parts = record_overview(viewer=request.user, business=business)
    return render(request, "companies/record.html", {
        "business": business, "parts": parts, "can_edit": may_edit_record(request.user),
    })


@role_required("business")
def my_data_page(request):
    """わたしのデータ: every item the portal holds on the business, by class, with its
    source and date and who may use it now."""
    business = business_for_record_or_404(request.user)
    return render(request, "companies/my_data.html", {
        "business": business, "sections": my_data(viewer=request.user, business=business),
    })


def _editable_part_or_404(request, part: str):
    if part not in PARTS:
        raise Http404
    business = business_for_record_or_404(request.user, edit=True)
    if PARTS[part].data_class not in record_classes_visible(viewer=request.user, business_id=business.pk):
        raise Http404
    return business, PARTS[part]


@role_required("business")
def record_edit(request, part: str, pk: int | None = None):
    """Edit the one row of a part (identity, profile…), or one row of a "many" part."""
    business, spec = _editable_part_or_404(request, part)
    instance = record_row_for_edit(business=business, part=part, pk=pk)
    form_class = part_form_class(part)
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in spec.fields if f in form.cleaned_data}
        try:
            if part == "financials":
                financial_year_upsert(actor=request.user, business=business, fiscal_year=values["fiscal_year"], values=values)
            else:
                record_part_update(actor=request.user, business=business, part=part, values=values,
                                   object_id=instance.pk if (spec.many and instance) else None)
        except ApplicationError as exc:
            add_errors_to_form(form, exc.errors)
        else:
            messages.success(request, _("Your record was saved."))
            return redirect("companies:record")
    return render(request, "companies/record_edit.html", {"business": business, "part": spec, "form": form, "instance": instance})


@role_required("business")
@require_POST
def record_row_remove(request, part: str, pk: int):
    business, spec = _editable_part_or_404(request, part)
    try:
        record_row_delete(actor=request.user, business=business, part=part, object_id=pk)
    except ApplicationError:
        raise Http404 from None
    messages.success(request, _("The entry was removed."))
    return redirect("companies:record")


@role_required("business")
def history(request):
    business = business_for_record_or_404(request.user)
    page = Paginator(record_history(viewer=request.user, business=business), 50).get_page(request.GET.get("page"))
    labels = {spec.model._meta.label_lower: spec.model for spec in PARTS.values()}
    for change in page.object_list:
        model = labels.get(change.model)
        change.label = field_label(model, change.field) if model is not None else change.field
    return render(request, "companies/history.html", {"business": business, "page": page})
