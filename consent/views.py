"""The business's consent pages: the policy in plain words, the grid, the confirm step,
the history and the receipt. Thin: authorise, call a selector or service, render."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import AuthenticatedHttpRequest, role_required
from core.errors import ApplicationError
from core.forms import flash_errors
from core.input import loads as input_loads
from core.pdf import render_pdf

from . import selectors, services
from .forms import AsOfForm, parse_allowed_keys, parse_purpose

if TYPE_CHECKING:
    from companies.models import Business


def _business_of(request: AuthenticatedHttpRequest) -> Business:
    """The business the signed-in user belongs to; 403 for anyone who is not a
    business user (they have no consent settings to see)."""
    membership = request.user.membership_or_none
    if membership is None:
        raise PermissionDenied(_("Only users of a business have consent settings."))
    return membership.business


def _grid_context(request: AuthenticatedHttpRequest, business: Business, purpose: int | None) -> dict[str, Any]:
    policy = selectors.policy_view()
    grid = selectors.consent_grid(business=business, purpose=purpose, policy=policy)
    return {
        "business": business, "policy": policy, "grid": grid, "can_change": request.user.is_prime,
        "selected_purpose": purpose, "digest": selectors.narrowings_digest(grid.denied),
        "crumbs": [(_("Data-use consent"), None)],
    }


@role_required("business")
@require_GET
def consent_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    business = _business_of(request)
    context = _grid_context(request, business, parse_purpose(request.GET.get("purpose")))
    if request.htmx:
        return render(request, "consent/_grid.html", context)
    return render(request, "consent/index.html", context)


@role_required("business")
@require_POST
def consent_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step 1 (preview): the ticked grid → the list of changes. Step 2 (apply): the
    service, with the digest of what the person saw."""
    business = _business_of(request)
    if not request.user.is_prime:
        raise PermissionDenied(_("Only the GBizID Prime holder of the business may change its consent."))
    policy = selectors.policy_view()
    if request.POST.get("step") == "apply":
        try:
            proposed = input_loads(request.POST.get("denied", "[]"))
            change = services.consent_narrowings_replace(
                actor=request.user, business=business, denied=proposed, expected_digest=request.POST.get("digest", ""),
            )
        except (ValueError, TypeError):
            messages.error(request, _("The change could not be read. Please start again."))
            return redirect("consent:index")
        except ApplicationError as exc:
            flash_errors(request, exc.errors)
            return redirect("consent:index")
        if change is None:
            messages.info(request, _("Nothing changed."))
        else:
            messages.success(request, _("Your consent settings were changed. We sent you an e-mail and recorded it in the history."))
        return redirect("consent:index")
    purpose = parse_purpose(request.POST.get("purpose"))
    grid = selectors.consent_grid(business=business, purpose=purpose, policy=policy)
    if request.POST.get("digest") != selectors.narrowings_digest(grid.denied):
        messages.error(request, _("The consent settings were changed meanwhile. Please review the changes again."))
        return redirect("consent:index")
    after = selectors.proposed_narrowings(grid=grid, allowed_keys=parse_allowed_keys(request.POST.getlist("allow")))
    changes = selectors.describe_changes(before=grid.denied, after=after, policy=policy)
    return render(request, "consent/confirm.html", {
        "business": business, "policy": policy, "changes": changes, "purpose": grid.purpose,
        "denied_json": json.dumps(selectors.denial_dicts(after)), "digest": selectors.narrowings_digest(grid.denied),
        "nothing": not changes["denied"] and not changes["allowed"],
        "crumbs": [(_("Data-use consent"), reverse("consent:index")), (_("Confirm the changes"), None)],
    })


@role_required("business")
@require_GET
def consent_history(request: AuthenticatedHttpRequest) -> HttpResponse:
    business = _business_of(request)
    policy = selectors.policy_view()
    page = Paginator(selectors.consent_history(business=business), 20).get_page(request.GET.get("page"))
    rows = []
    for change in page.object_list:
        before, after = selectors.denials_from_dicts(change.before), selectors.denials_from_dicts(change.after)
        rows.append({"change": change, "lines": selectors.describe_changes(before=before, after=after, policy=policy)})
    form = AsOfForm(request.GET or None)
    as_of = None
    if form.is_valid():
        as_of = selectors.consent_as_of(business, form.cleaned_data["on"])
        as_of.lines = selectors.describe_changes(before=set(), after=as_of.denied, policy=policy)["denied"]
    return render(request, "consent/history.html", {
        "business": business, "page": page, "rows": rows, "form": form, "as_of": as_of,
        "crumbs": [(_("Data-use consent"), reverse("consent:index")), (_("History of changes"), None)],
    })


@role_required("business")
@require_http_methods(["GET"])
def consent_receipt(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    business = _business_of(request)
    receipt = services.consent_receipt_issue(actor=request.user, business=business)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    if fmt == "json":
        body = json.dumps(receipt.as_download(), ensure_ascii=False, indent=2).encode("utf-8")
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="consent-receipt-{stamp}.json"'
        return response
    policy = selectors.policy_view()
    denied = selectors.denials_from_dicts(receipt.document["denied"])
    pdf = render_pdf("consent/receipt_pdf.html", {
        "receipt": receipt.document, "sha256": receipt.sha256, "business": business, "policy": policy,
        "grid": selectors.consent_grid(business=business, purpose=None, policy=policy, denied=denied),
        "denied_lines": selectors.describe_changes(before=set(), after=denied, policy=policy)["denied"],
        "issued_at": dt.datetime.fromisoformat(receipt.document["issued_at"]),
    })
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="consent-receipt-{stamp}.pdf"'
    return response
