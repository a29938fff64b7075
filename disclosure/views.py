"""Pages of the disclosure flow: thin — authenticate, fetch-and-authorise, validate, call
one service or selector, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from companies.presentation import display_value, financial_table
from companies.reference import JSIC_MIDDLE, PREFECTURES
from core.errors import ApplicationError
from core.forms import add_errors_to_form, flash_errors

from . import selectors, services
from .filters import SIZE_BAND_CHOICES, AnonymisedCompanyFilter, RequestFilter
from .forms import DecisionForm, DisclosureRequestForm
from .handles import make_handle, read_handle
from .labels import class_names, purpose_name
from .models import AccessLogEntry

PAGE_SIZE = 20
SIZE_LABELS = dict(SIZE_BAND_CHOICES)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- institution side ------------------------------------------------------------------

def _anonymised_row(row: dict, institution_id: int) -> dict:
    band = selectors.size_band_of(row["employees"])
    return {
        "prefecture": PREFECTURES.get(row["prefecture"], row["prefecture"]),
        "industry": JSIC_MIDDLE.get(row["industry_jsic"], row["industry_jsic"] or "—"),
        "size": SIZE_LABELS.get(band, "—"),
        "handle": make_handle(business_id=row["pk"], institution_id=institution_id),
    }


@role_required("institution_staff")
def company_search(request):
    filterset = AnonymisedCompanyFilter(request.GET or None)
    page = _page(request, selectors.anonymised_company_list(viewer=request.user, filters=request.GET))
    rows = [_anonymised_row(row, request.user.institution_id) for row in page.object_list]
    return render(request, "disclosure/company_search.html", {
        "filter_form": filterset.form, "page": page, "rows": rows, "querystring": _querystring_without_page(request),
    })


@role_required("institution_staff")
def request_new(request):
    handle = request.POST.get("handle") or request.GET.get("ref") or ""
    anonymised = None
    if handle:
        business_id = read_handle(handle, institution_id=request.user.institution_id)
        row = selectors.anonymised_company_list(viewer=request.user).filter(pk=business_id).first() if business_id else None
        if row is None:
            raise Http404
        anonymised = _anonymised_row(row, request.user.institution_id)
    if request.method == "POST":
        form = DisclosureRequestForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.disclosure_request_create(
                    actor=request.user, purpose=data["purpose"], data_classes=data["data_classes"],
                    valid_until=data["valid_until"], message=data["message"],
                    corporate_number=None if handle else data["corporate_number"], handle=handle or None,
                )
            except ApplicationError as exc:
                add_errors_to_form(form, exc.errors)
            else:
                messages.success(request, _("Your request was sent. The company will answer on the portal."))
                return redirect("disclosure:institution_requests")
    else:
        form = DisclosureRequestForm(initial={"handle": handle})
    return render(request, "disclosure/request_form.html", {"form": form, "anonymised": anonymised})


@role_required("institution_staff")
def institution_requests(request):
    filterset = RequestFilter(request.GET or None)
    page = _page(request, selectors.institution_request_list(viewer=request.user, filters=request.GET))
    return render(request, "disclosure/institution_requests.html", {
        "filter_form": filterset.form, "page": page, "querystring": _querystring_without_page(request),
    })


def _display(value):
    """A released document (already projected) as readable lines: "label: value"."""
    if not isinstance(value, dict | list):
        return value
    from companies.mydata import content_item_label, content_item_value

    lines = []

    def walk(node, path):
        if isinstance(node, dict) and {"value", "source"} <= node.keys():
            walk(node["value"], path)  # a pre-filled item: its value, not its bookkeeping
        elif isinstance(node, dict):
            for key, item in node.items():
                # A snapshot holds the content under "content": the items are named inside it.
                walk(item, path if key == "content" and not path else f"{path}.{key}" if path else str(key))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{path}[{i}]")
        elif node not in (None, ""):
            top = path.split(".", 1)[0] if not path.startswith("expenses[") else path
            lines.append(f"{content_item_label(top)}: {content_item_value(top, node)}")

    walk(value, "")
    return "\n".join(lines)


@role_required("institution_staff")
def company_data_page(request, pk: int):
    disclosure_request = selectors.institution_request_get(viewer=request.user, request_id=pk)
    if disclosure_request is None or disclosure_request.business_id is None:
        raise Http404
    release = services.company_data_release(viewer=request.user, business_id=disclosure_request.business_id,
                                            channel=AccessLogEntry.Channel.PAGE)
    if release is None:
        raise Http404
    labels = selectors.field_labels()
    models_by_name = selectors.released_models()
    sections = []
    for code, models_ in release.data_classes.items():
        blocks = []
        for model_name, value in models_.items():
            names = labels.get(model_name, {})
            model = models_by_name.get(model_name)
            rows = value if isinstance(value, list) else [value]
            fields = [f for f in (rows[0].keys() if rows else []) if f != "id"]
            block = {"title": labels.get(model_name + "__title", {}).get("", model_name), "rows": rows}
            if rows and "fiscal_year" in fields and model is not None:
                # Financial years: one table, fiscal years across, items down.
                rows = sorted(rows, key=lambda r: r.get("fiscal_year") or 0)
                block["table"] = financial_table(model, fields, rows, names)
            else:
                # Each row as label → value pairs: names for codes, yen, Japanese dates.
                block["items"] = [
                    [(names.get(f, f), _display(row.get(f)) if isinstance(row.get(f), dict | list)
                      else display_value(model, f, row.get(f)) if model else row.get(f)) for f in fields]
                    for row in rows
                ]
            blocks.append(block)
        sections.append({"code": code, "name": class_names([int(code)])[0], "blocks": blocks})
    return render(request, "disclosure/company_data.html", {
        "release": release, "sections": sections, "disclosure_request": disclosure_request,
        "purposes": [purpose_name(p) for p in release.purposes],
    })


# --- business side ---------------------------------------------------------------------

@role_required("prime", "member")
def inbox(request):
    filterset = RequestFilter(request.GET or None)
    page = _page(request, selectors.business_request_list(viewer=request.user, filters=request.GET))
    return render(request, "disclosure/inbox.html", {
        "filter_form": filterset.form, "page": page, "querystring": _querystring_without_page(request),
        "blocks": selectors.blocked_institutions(viewer=request.user),
    })


def _business_request_or_404(request, pk: int):
    disclosure_request = selectors.business_request_get(viewer=request.user, request_id=pk)
    if disclosure_request is None:
        raise Http404
    return disclosure_request


@role_required("prime", "member")
def inbox_detail(request, pk: int):
    disclosure_request = _business_request_or_404(request, pk)
    form = None
    if disclosure_request.effective_status == disclosure_request.Status.PENDING:
        form = DecisionForm(requested=list(disclosure_request.data_classes))
    return render(request, "disclosure/inbox_detail.html", {
        "r": disclosure_request, "form": form, "purpose": purpose_name(disclosure_request.purpose),
        "requested": list(zip(disclosure_request.data_classes, class_names(disclosure_request.data_classes), strict=True)),
        "approved": class_names(disclosure_request.approved_data_classes),
    })


@role_required("prime", "member")
@require_POST
def decide(request, pk: int):
    disclosure_request = _business_request_or_404(request, pk)
    if not request.user.is_prime:
        raise PermissionDenied
    form = DecisionForm(request.POST, requested=list(disclosure_request.data_classes))
    context = {"r": disclosure_request, "form": form, "purpose": purpose_name(disclosure_request.purpose),
               "requested": list(zip(disclosure_request.data_classes, class_names(disclosure_request.data_classes), strict=True)),
               "approved": class_names(disclosure_request.approved_data_classes)}
    if not form.is_valid():
        return render(request, "disclosure/inbox_detail.html", context, status=400)
    data = form.cleaned_data
    if not data.get("confirm"):
        # The confirmation step: show exactly what will be released, to whom, until when.
        return render(request, "disclosure/decision_confirm.html", {
            "r": disclosure_request, "decision": data["decision"], "classes": data["data_classes"],
            "class_labels": class_names(data["data_classes"]), "purpose": purpose_name(disclosure_request.purpose),
        })
    try:
        services.disclosure_request_decide(actor=request.user, request_id=pk, decision=data["decision"],
                                           data_classes=data["data_classes"] if data["decision"] == "approve" else None)
    except ApplicationError as exc:
        add_errors_to_form(form, exc.errors)
        return render(request, "disclosure/inbox_detail.html", context, status=400)
    messages.success(request, _("Your answer was recorded.") if data["decision"] == "reject"
                     else _("You approved the request. You can revoke the approval at any time."))
    return redirect("disclosure:inbox_detail", pk=pk)


@role_required("prime", "member")
def revoke(request, pk: int):
    disclosure_request = _business_request_or_404(request, pk)
    if not request.user.is_prime:
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.disclosure_request_revoke(actor=request.user, request_id=pk)
        except ApplicationError as exc:
            flash_errors(request, exc.errors)
        else:
            messages.success(request, _("The approval was revoked. The institution can no longer see your data."))
        return redirect("disclosure:inbox_detail", pk=pk)
    return render(request, "disclosure/revoke_confirm.html", {
        "r": disclosure_request, "approved": class_names(disclosure_request.approved_data_classes),
    })


@role_required("prime", "member")
def block(request, pk: int):
    disclosure_request = _business_request_or_404(request, pk)
    if not request.user.is_prime:
        raise PermissionDenied
    if request.method == "POST":
        services.institution_block(actor=request.user, institution_id=disclosure_request.institution_id)
        messages.success(request, _("%(institution)s is blocked. Its requests will no longer reach you.")
                         % {"institution": disclosure_request.institution.name})
        return redirect("disclosure:inbox")
    return render(request, "disclosure/block_confirm.html", {"r": disclosure_request})


@role_required("prime", "member")
@require_POST
def unblock(request, institution_id: int):
    if not request.user.is_prime:
        raise PermissionDenied
    services.institution_unblock(actor=request.user, institution_id=institution_id)
    messages.success(request, _("The block was lifted."))
    return redirect("disclosure:inbox")


@role_required("prime", "member")
def access_log(request):
    page = _page(request, selectors.access_log_list(viewer=request.user))
    entries = [
        {"e": entry, "classes": class_names(entry.data_classes), "purpose": purpose_name(entry.purpose)}
        for entry in page.object_list
    ]
    return render(request, "disclosure/access_log.html", {"page": page, "entries": entries, "querystring": ""})
