"""Pages of the 様式4 flow: the applicant asks, talks and withdraws; the advisor reads the
draft (through the approval), comments, fills in the 様式4 and issues or declines it."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import ChoiceField
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import role_required
from applications.selectors import application_for_applicant_or_404
from core.errors import ApplicationError
from core.forms import add_errors_to_form, flash_errors
from disclosure.labels import DATA_CLASS_NAMES

from . import selectors, services
from .forms import CommentForm, DeclineForm, Form4Form, RequestForm
from .models import SupportPlanRequest

Status = SupportPlanRequest.Status


def _errors_to_form(exc: ApplicationError, form) -> None:
    add_errors_to_form(form, exc.errors)


def _shown(field, value) -> str:
    """A value as people read it: the label of a choice, はい/いいえ, never a code."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    choices = getattr(field, "choices", None)
    if choices:
        flat = {}
        for key, label in choices:
            if isinstance(label, list | tuple):
                flat.update({str(k): v for k, v in label})
            else:
                flat[str(key)] = label
        if isinstance(value, list):
            return "、".join(str(flat.get(str(v), v)) for v in value)
        return str(flat.get(str(value), value))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _draft_rows(application, content: dict) -> list[dict]:
    """The released items of the draft in the form's order, with their labels."""
    from applications.forms import JizokukaForm

    form = JizokukaForm(None, initial={}, prefill={}, subsidy_round=application.subsidy_round, can_write_back=False)
    rows = []
    for name, field in form.fields.items():
        value = content.get(name)
        if name.startswith(("wb_", "_")) or name == "confirm_all" or value in (None, "", []):
            continue
        rows.append({"field": name, "label": field.label, "value": _shown(field, value)})
    return rows


def _expense_rows(content: dict) -> list[dict]:
    from applications.jizokuka import EXPENSE_CATEGORIES

    names = dict(EXPENSE_CATEGORIES)
    return [{"category": names.get(e.get("category"), e.get("category")), "description": e.get("description") or "",
             "amount": e.get("amount")} for e in content.get("expenses") or []]


def _class_names() -> dict[int, str]:
    return {code: str(name) for code, name in DATA_CLASS_NAMES.items()}


# --- the applicant --------------------------------------------------------------------------


@role_required("business")
def application_requests(request, pk: int):
    """The 様式4 of one of the business's own applications: its requests and, from a
    持続化 draft without an open request, the form to ask (and approve the disclosure)."""
    application = application_for_applicant_or_404(viewer=request.user, application_id=pk)
    rows = selectors.requests_of_application(viewer=request.user, application=application)
    open_request = next((r for r in rows if r.status not in (Status.DECLINED, Status.WITHDRAWN)), None)
    may_ask = (application.program == "jizokuka_general" and application.status in ("draft", "returned")
               and open_request is None and request.user.is_prime)
    form = None
    if may_ask:
        institutions = selectors.area_institutions(business=application.business)
        form = RequestForm(request.POST or None, institutions=institutions, class_names=_class_names(),
                           initial={"data_classes": list(services.REQUESTED_CLASSES),
                                    "valid_until": services.default_valid_until()})
        if request.method == "POST" and form.is_valid():
            try:
                created = services.support_plan_request_create(
                    actor=request.user, application_id=application.pk, institution_id=form.cleaned_data["institution"],
                    data_classes=form.cleaned_data["data_classes"], valid_until=form.cleaned_data["valid_until"],
                    message=form.cleaned_data["message"])
            except ApplicationError as exc:
                _errors_to_form(exc, form)
            else:
                messages.success(request, _("Your request for the form 4 was sent to %(institution)s, and the disclosure was approved.")
                                 % {"institution": created.institution.name})
                return redirect("supportplans:detail", pk=created.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "supportplans/application_requests.html", {
        "application": application, "rows": rows, "form": form, "open_request": open_request,
        "required_classes": services.REQUIRED_CLASSES, "no_institution": form is not None and len(cast("list[Any]", cast(ChoiceField, form.fields["institution"]).choices)) <= 1,
    })


@role_required("business")
def detail(request, pk: int):
    plan = selectors.request_for_applicant_or_404(viewer=request.user, request_id=pk)
    form = CommentForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.support_plan_reply(actor=request.user, request_id=plan.pk, body=form.cleaned_data["body"],
                                            parent_id=form.cleaned_data.get("parent"), field=form.cleaned_data.get("field") or "")
            except ApplicationError as exc:
                _errors_to_form(exc, form)
            else:
                messages.success(request, _("Your comment was sent to the advisor."))
                return redirect("supportplans:detail", pk=plan.pk)
        messages.error(request, _("The comment was not sent. Please correct the errors below."))
    return render(request, "supportplans/detail.html", {
        "plan": plan, "threads": selectors.comment_threads(request=plan), "form": form, "side": "applicant",
        "approved_classes": [DATA_CLASS_NAMES.get(c, c) for c in plan.disclosure_request.approved_data_classes],
        "can_comment": plan.is_open,
    })


@role_required("business")
def withdraw(request, pk: int):
    """Withdraw a request: a confirmation page first (the disclosure ends at once)."""
    plan = selectors.request_for_applicant_or_404(viewer=request.user, request_id=pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.support_plan_withdraw(actor=request.user, request_id=plan.pk)
        except ApplicationError as exc:
            flash_errors(request, exc.errors)
        else:
            messages.success(request, _("The request was withdrawn and the institution's access ended."))
        return redirect("supportplans:detail", pk=plan.pk)
    return render(request, "supportplans/withdraw.html", {"plan": plan})


# --- the advisor ----------------------------------------------------------------------------


@role_required("institution_staff")
def queue(request):
    status = request.GET.get("status") or None
    page = Paginator(selectors.institution_queue(viewer=request.user, status=status), 30).get_page(request.GET.get("page"))
    return render(request, "supportplans/queue.html", {"page": page, "status": status, "statuses": Status.choices})


ADVISOR_ACTIONS = {"take_up", "comment", "save", "issue", "decline"}


@role_required("institution_staff")
def advisor_detail(request, pk: int):
    action = request.POST.get("action") if request.method == "POST" else None
    comment_form = CommentForm(request.POST if action == "comment" else None)
    form4 = Form4Form(request.POST if action in ("save", "issue") else None)
    decline_form = DeclineForm(request.POST if action == "decline" else None, auto_id="decline_%s")
    if request.method == "POST":
        try:
            if action == "take_up":
                services.support_plan_take_up(actor=request.user, request_id=pk)
                done = _("You took the request up.")
            elif action == "comment" and comment_form.is_valid():
                services.support_plan_comment(actor=request.user, request_id=pk, body=comment_form.cleaned_data["body"],
                                              parent_id=comment_form.cleaned_data.get("parent"),
                                              field=comment_form.cleaned_data.get("field") or "")
                done = _("Your comment was sent to the applicant.")
            elif action == "save" and form4.is_valid():
                services.support_plan_save(actor=request.user, request_id=pk, values=form4.cleaned_data)
                done = _("The form 4 was saved.")
            elif action == "issue" and form4.is_valid():
                if request.POST.get("confirm_issue") != "yes":
                    raise ApplicationError(errors={"non_field_errors": [_("Confirm that the form 4 is to be issued.")]})
                services.support_plan_issue(actor=request.user, request_id=pk, values=form4.cleaned_data)
                done = _("The form 4 was issued and attached to the application.")
            elif action == "decline" and decline_form.is_valid():
                services.support_plan_decline(actor=request.user, request_id=pk, reason=decline_form.cleaned_data["decline_reason"])
                done = _("The request was declined.")
            elif action not in ADVISOR_ACTIONS:
                raise ApplicationError(_("Choose an action."))
            else:
                raise ApplicationError(_("Please correct the errors below."))
        except ApplicationError as exc:
            target = {"comment": comment_form, "decline": decline_form}.get(action or "", form4)
            if target.is_bound:
                _errors_to_form(exc, target)
            flash_errors(request, exc.errors)
        else:
            messages.success(request, done)
            if action == "decline":  # the approval ended with the decline: the draft is no longer the advisor's to read
                return redirect("supportplans:queue")
            return redirect("supportplans:advisor-detail", pk=pk)
    release = services.support_plan_draft_release(viewer=request.user, request_id=pk)
    plan = release["request"]
    if request.method == "GET":
        form4 = Form4Form(initial={name: getattr(plan, name) for name in services.FORM4_FIELDS}
                          | ({"advisor_name": request.user.full_name} if not plan.advisor_name else {}))
    content = release["draft"].get("content", {})
    rows = _draft_rows(plan.application, content)
    return render(request, "supportplans/advisor_detail.html", {
        "plan": plan, "release": release, "draft": release["draft"], "business": release["business"], "rows": rows,
        "expenses": _expense_rows(content), "threads": selectors.comment_threads(request=plan) if release["conversation"] else [],
        "comment_form": comment_form, "form4": form4, "decline_form": decline_form, "side": "advisor",
        "can_comment": plan.is_open and release["conversation"],
        "released_names": [DATA_CLASS_NAMES.get(c, c) for c in release["released_classes"]],
    })
