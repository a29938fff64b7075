"""Pages after adoption: the applicant's subsidy page (交付申請 … 収益状況報告, the ledger,
the timeline, the PDFs) and the agency's (交付決定, 計画変更の審査, 確定検査, 支払). Thin:
reads through selectors, writes through services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import role_required
from applications import rules
from applications.selectors import (
    application_for_agency_or_404,
    application_for_applicant_or_404,
)
from core.errors import ApplicationError
from core.forms import add_errors_to_form, flash_errors
from core.input import INT64_MAX, parse_int_or_none
from documents.selectors import document_list
from documents.services import document_upload

from . import pdfs, selectors, services
from .forms import (
    ConfirmForm,
    ConfirmStepForm,
    ExpenseLineForm,
    GrantDecideForm,
    GrantRequestForm,
    PlanChangeForm,
    PlanDecisionForm,
    ProfitReportForm,
    ReportForm,
)
from .models import Award, DueDate


def _flash(request, exc: ApplicationError) -> None:
    flash_errors(request, exc.errors)


def _line_input(form: ExpenseLineForm, receipt_id: int | None) -> services.LineInput:
    d = form.cleaned_data
    return services.LineInput(
        category=d["category"], description=d["description"], vendor=d["vendor"], paid_on=d["paid_on"],
        amount=d["amount"], tax_mode=d["tax_mode"], receipt_id=receipt_id, travel_item=d.get("travel_item") or "",
        region=d.get("region") or "", nights=d.get("nights"), lodging_per_night=d.get("lodging_per_night"))


def _add_line(request, application, form) -> bool:
    if not form.is_valid():
        return False
    receipt_id = form.cleaned_data.get("receipt")
    try:
        upload = form.cleaned_data.get("receipt_file")
        if upload is not None:
            receipt_id = document_upload(actor=request.user, uploaded_file=upload, document_type="receipt").document.pk
        services.expense_line_add(actor=request.user, application_id=application.pk,
                                  line=_line_input(form, receipt_id))
    except ApplicationError as exc:
        add_errors_to_form(form, exc.errors)
        if "file" in exc.errors:
            for error in exc.errors["file"]:
                form.add_error("receipt_file", error)
        return False
    return True


@role_required("business")
def award_page(request, pk: int):
    """The applicant's subsidy after adoption: the next step, the ledger and the timeline."""
    application = application_for_applicant_or_404(viewer=request.user, application_id=pk)
    award = selectors.award_of(application=application)
    if award is None and application.status not in services.GRANTABLE:
        raise Http404
    action = request.POST.get("action") if request.method == "POST" else None
    data = request.POST if request.method == "POST" else None
    forms: dict[str, Any] = {}
    try:
        if action == "remove_line":
            line_id = parse_int_or_none(request.POST.get("line"), minimum=1, maximum=INT64_MAX)
            if line_id is None:
                raise Http404
            services.expense_line_remove(actor=request.user, application_id=pk, line_id=line_id)
            messages.success(request, _("The line was removed."))
            return redirect("awards:detail", pk=pk)
        if action == "claim":
            confirm = ConfirmStepForm(data)
            if confirm.is_valid():
                services.payment_claim(actor=request.user, application_id=pk)
                messages.success(request, _("Your payment claim was sent."))
                return redirect("awards:detail", pk=pk)
            messages.error(request, _("Tick the box to confirm the step."))
    except ApplicationError as exc:
        _flash(request, exc)
        return redirect("awards:detail", pk=pk)

    if award is None:
        forms["grant"] = GrantRequestForm(data if action == "grant_request" else None)
        if action == "grant_request" and forms["grant"].is_valid():
            try:
                services.grant_request(actor=request.user, application_id=pk, tax_mode=forms["grant"].cleaned_data["tax_mode"])
            except ApplicationError as exc:
                add_errors_to_form(forms["grant"], exc.errors)
            else:
                messages.success(request, _("Your grant request was sent."))
                return redirect("awards:detail", pk=pk)
    elif award.status == Award.Status.GRANTED:
        documents = list(document_list(viewer=request.user).filter(document_type__in=services.EVIDENCE_TYPES)[:200])
        forms["line"] = ExpenseLineForm(data if action == "add_line" else None, request.FILES if action == "add_line" else None,
                                        documents=documents, places=rules.lodging_places())
        forms["change"] = PlanChangeForm(data if action == "plan_change" else None, plan=award.plan)
        forms["report"] = ReportForm(data if action == "report" else None)
        if action == "add_line":
            if _add_line(request, application, forms["line"]):
                messages.success(request, _("The line was added to the ledger."))
                return redirect("awards:detail", pk=pk)
        elif action == "plan_change" and forms["change"].is_valid():
            try:
                services.plan_change_request(actor=request.user, application_id=pk, plan=forms["change"].plan(),
                                             reason=forms["change"].cleaned_data["reason"])
            except ApplicationError as exc:
                add_errors_to_form(forms["change"], exc.errors)
            else:
                messages.success(request, _("Your plan change request was sent."))
                return redirect("awards:detail", pk=pk)
        elif action == "report" and forms["report"].is_valid():
            try:
                services.report_submit(actor=request.user, application_id=pk, summary=forms["report"].cleaned_data["summary"])
            except ApplicationError as exc:
                add_errors_to_form(forms["report"], exc.errors)
            else:
                messages.success(request, _("Your performance report was sent."))
                return redirect("awards:detail", pk=pk)
    elif award.status == Award.Status.CONFIRMED:
        forms["claim"] = ConfirmStepForm()
    elif award.status == Award.Status.PAID:
        done = {r.fiscal_year for r in award.profit_reports.all()}
        years = [d.fiscal_year for d in award.due_dates.all() if d.step == DueDate.Step.PROFIT and d.fiscal_year not in done]
        forms["profit"] = ProfitReportForm(data if action == "profit" else None, years=years)
        if action == "profit" and forms["profit"].is_valid():
            d = forms["profit"].cleaned_data
            try:
                services.profit_report_submit(actor=request.user, application_id=pk, fiscal_year=d["fiscal_year"],
                                              revenue=d["revenue"], costs=d["costs"])
            except ApplicationError as exc:
                add_errors_to_form(forms["profit"], exc.errors)
            else:
                messages.success(request, _("Your profit report was sent."))
                return redirect("awards:detail", pk=pk)
    return render(request, "awards/detail.html", {
        "application": application, "award": award, "forms": forms,
        "plan_rows": services.plan_check(award, list(award.lines.all())) if award else [],
        "steps": selectors.timeline(application=application, award=award),
        "overdue": selectors.overdue_steps(award) if award else [],
        "stages": pdfs.stages_of(award), "agency": False,
    })


def _pdf_response(request, award, stage: str) -> HttpResponse:
    if award is None or stage not in pdfs.stages_of(award):
        raise Http404
    name = selectors.business_name_for(viewer=request.user, application=award.application)
    response = HttpResponse(pdfs.render_stage(award, stage, business_name=name), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{stage}-{award.application_id}.pdf"'
    return response


@role_required("business")
def award_pdf(request, pk: int, stage: str):
    application = application_for_applicant_or_404(viewer=request.user, application_id=pk)
    return _pdf_response(request, selectors.award_of(application=application), stage)


# --- Agency staff -------------------------------------------------------------------------------

@role_required("agency_staff")
def review_list(request):
    status = request.GET.get("status") or None
    page = Paginator(selectors.agency_award_queue(viewer=request.user, status=status), 50).get_page(request.GET.get("page"))
    return render(request, "awards/review_list.html", {"page": page, "status": status, "statuses": Award.Status.choices})


@role_required("agency_staff")
def review_detail(request, pk: int):
    application = application_for_agency_or_404(viewer=request.user, application_id=pk)
    award = selectors.award_for_agency(viewer=request.user, application=application)
    if award is None:
        raise Http404
    action = request.POST.get("action") if request.method == "POST" else None
    data = request.POST if request.method == "POST" else None
    forms: dict[str, Any] = {}
    if award.status == Award.Status.REQUESTED:
        forms["decide"] = GrantDecideForm(data if action == "grant" else None)
    elif award.status == Award.Status.CHANGE_REQUESTED:
        forms["plan_decision"] = PlanDecisionForm(data if action == "plan_decision" else None)
    elif award.status == Award.Status.REPORTED:
        forms["confirm"] = ConfirmForm(data if action == "confirm" else None, lines=award.lines.all())
    elif award.status == Award.Status.CLAIMED:
        forms["pay"] = ConfirmStepForm(data if action == "pay" else None)
    form = {"grant": "decide", "plan_decision": "plan_decision", "confirm": "confirm", "pay": "pay"}.get(action or "")
    if action and form in forms and forms[form].is_valid():
        d = forms[form].cleaned_data
        try:
            if action == "grant":
                services.grant_decide(actor=request.user, application_id=pk, project_end=d["project_end"], report_due=d["report_due"])
            elif action == "plan_decision":
                services.plan_change_decide(actor=request.user, application_id=pk, approve=d["decision"] == "approve",
                                            note=d.get("note") or "")
            elif action == "confirm":
                services.confirm(actor=request.user, application_id=pk, assessments=forms[form].assessments())
            elif action == "pay":
                services.payment_record(actor=request.user, application_id=pk)
        except ApplicationError as exc:
            add_errors_to_form(forms[form], exc.errors)
            messages.error(request, _("Please correct the errors below."))
        else:
            messages.success(request, _("The subsidy was updated."))
            return redirect("awards:review-detail", pk=pk)
    elif action:
        messages.error(request, _("This step cannot be taken now: reload the page to see the current state."))
    return render(request, "awards/review_detail.html", {
        "application": application, "award": award, "forms": forms,
        "plan_rows": services.plan_check(award, list(award.lines.all())),
        "steps": selectors.timeline(application=application, award=award),
        "overdue": selectors.overdue_steps(award), "stages": pdfs.stages_of(award), "agency": True,
        "pending_change": next((c for c in award.plan_changes.all() if not c.decision), None),
    })


@role_required("agency_staff")
def review_pdf(request, pk: int, stage: str):
    application = application_for_agency_or_404(viewer=request.user, application_id=pk)
    return _pdf_response(request, selectors.award_for_agency(viewer=request.user, application=application), stage)
