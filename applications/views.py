"""Pages of applications: the applicant's history, start (with the choice of data classes
to take from the record), the pre-filled form with autosave, submission with the pledge,
the PDF, the completion report; the agency's review; the public self-checks."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from companies.models import Source
from companies.selectors import may_edit_record
from consent.access import PURPOSE_APPLICANT_RECORDS, PURPOSE_SHARING
from core.errors import ApplicationError
from core.forms import add_errors_to_form, flash_errors
from core.input import INT32_MAX, parse_int_or_none
from core.pdf import render_pdf

from . import eligibility, jizokuka, rules, services, wizard
from .corrections import correctable_fields
from .forms import (
    RECORD_FORM_FIELDS,
    CertifyForm,
    CompletionForm,
    ExpenseFormSet,
    JizokukaForm,
    ProcedureForm,
    ReturnFormSet,
    ReviewForm,
    StartForm,
    SubmitForm,
)
from .gaps import prefill_gaps
from .models import PROCEDURES, Application, Program
from .prefill import DATA_CLASS_NAMES, offered_classes
from .selectors import (
    application_corrections,
    application_for_agency_or_404,
    application_for_applicant_or_404,
    application_history,
    application_snapshots,
    open_rounds,
    review_queue,
    review_release,
    review_rows,
    snapshot_comparison,
)
from .transitions import WITHDRAWABLE

FORM_PROGRAMS = [Program.JIZOKUKA_GENERAL, Program.KEIEIRYOKU_KOJO, Program.JIGYO_KEIZOKU, Program.KEIEI_KAKUSHIN]


@role_required("business")
def history(request):
    """申請者本人による過去の申請情報等の一括した保存・閲覧 (purpose 3)."""
    page = Paginator(application_history(viewer=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "applications/history.html", {
        "page": page, "can_draft": services.may_draft(request.user), "programs": FORM_PROGRAMS,
    })


@role_required("business")
def start(request, program: str):
    if program not in FORM_PROGRAMS:
        raise Http404
    if not services.may_draft(request.user):
        raise PermissionDenied
    business_id = request.user.membership_or_none.business_id
    offered = offered_classes(viewer=request.user, business_id=business_id, field_names=services.prefill_names(program))
    rounds = None if program in PROCEDURES else open_rounds(program)
    initial = {}
    if rounds is not None and request.method == "GET":
        # Coming from the self-check wizard: its round and frame are preselected.
        round_id = parse_int_or_none(request.GET.get("round", ""), minimum=1)
        chosen = rounds.filter(pk=round_id).first() if round_id is not None else None
        if chosen is not None:
            initial["subsidy_round"] = chosen.pk
            frame = parse_int_or_none(request.GET.get("frame", ""), minimum=0, maximum=INT32_MAX)
            if frame is not None:
                initial["frame"] = frame
    form = StartForm(request.POST or None, offered=offered, rounds=rounds, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_start(
                actor=request.user, program=program, subsidy_round=form.cleaned_data.get("subsidy_round"),
                accepted_classes=form.accepted_classes(), frame=form.chosen_frame() if rounds is not None else None,
            )
        except ApplicationError as exc:
            add_errors_to_form(form, exc.errors)
        else:
            if application.status != Application.Status.DRAFT:
                # One application per round: this one was already sent, so show it.
                messages.info(request, _("You have already submitted an application for this round. Here it is."))
                return redirect("applications:detail", pk=application.pk)
            return redirect("applications:edit", pk=application.pk)
    classes = [
        {**info, "field": form[f"class_{code}"] if f"class_{code}" in form.fields else None,
         "labels": [str(RECORD_FORM_FIELDS[n]().label) for n in info["fields"]]}
        for code, info in offered.items()
    ]
    return render(request, "applications/start.html", {
        "program": Program(program), "form": form, "classes": classes, "rounds": rounds,
    })


SECTIONS_JIZOKUKA = [
    (gettext_lazy("Applicant"), ["company_name", "company_name_kana", "corporate_number", "prefecture", "municipality", "address",
                      "representative_name", "representative_birth_date", "phone", "employees", "capital", "founded_year",
                      "industry_jsic", "joint_applicants"]),
    (gettext_lazy("Business"), ["business_description", "main_products", "customers", "consumption_tax_status"]),
    (gettext_lazy("Contact person"), ["contact_name", "contact_department", "contact_phone", "contact_email"]),
    (gettext_lazy("Financials of the latest fiscal year"), ["fy_year", "fy_sales", "fy_gross_profit", "fy_operating_profit",
                                                 "fy_personnel_cost", "fy_depreciation"]),
    (gettext_lazy("Business plan"), ["plan_overview", "plan_market", "plan_strengths", "plan_policy"]),
    (gettext_lazy("The project"), ["plan_title", "sales_plan", "efficiency_plan", "expected_effect", "tax_mode"]),
    (gettext_lazy("Revenue from the project (収益納付)"), ["revenue_expected", "revenue_description"]),
    (gettext_lazy("Bonus points requested"), ["bonus_succession", "successor_name", "bonus_depopulated", "bonus_keieiryoku",
                                   "keieiryoku_certified_on"]),
    (gettext_lazy("Part-time staff (3/4 test)"), ["part_time_staff", "regular_daily_hours", "regular_weekly_hours",
                                                  "regular_monthly_days", "part_daily_hours", "part_weekly_hours",
                                                  "part_monthly_days"]),
    (gettext_lazy("Frame and industry group"), ["frame", "industry_group", "industry_group_reason", "invoice_special", "was_tax_exempt"]),
    (gettext_lazy("Conditions of the frame"), ["opened_on", "specific_startup_support", "successor_finalist", "plans_growth_beyond_limit",
                                    "deficit", "lowest_wage_hourly", "planned_wage_hourly", "wage_ledger_items",
                                    "worker_register_items"]),
]


def _frame_fields(frame) -> set[str]:
    """The questions a frame asks (its conditions are data on the Frame row)."""
    if frame is None:
        return set()
    names = set()
    if frame.startup_window_start or frame.startup_window_end:
        names |= {"opened_on", "specific_startup_support"}
    if frame.requires_successor_finalist:
        names.add("successor_finalist")
    if frame.requires_growth_beyond_limit:
        names.add("plans_growth_beyond_limit")
    if frame.deficit_rate_numerator:
        names.add("deficit")
    if frame.wage_increase_yen is not None:
        names |= {"lowest_wage_hourly", "planned_wage_hourly"}
    if frame.requires_wage_records:
        names |= {"wage_ledger_items", "worker_register_items"}
    return names


FRAME_CONDITION_FIELDS = {"opened_on", "specific_startup_support", "successor_finalist", "plans_growth_beyond_limit", "deficit",
                          "lowest_wage_hourly", "planned_wage_hourly", "wage_ledger_items", "worker_register_items"}
SECTIONS_PROCEDURE = [
    (gettext_lazy("Applicant"), ["company_name", "company_name_kana", "corporate_number", "prefecture", "municipality", "address",
                      "representative_name", "representative_birth_date", "phone", "employees", "capital", "founded_year",
                      "industry_jsic"]),
    (gettext_lazy("Business"), ["business_description", "main_products", "customers", "consumption_tax_status"]),
    (gettext_lazy("Contact person"), ["contact_name", "contact_department", "contact_phone", "contact_email"]),
    (gettext_lazy("Business plan"), ["plan_overview", "plan_market", "plan_strengths", "plan_policy"]),
    (gettext_lazy("The plan"), ["plan_title", "plan_content"]),
    (gettext_lazy("Data use (checklist)"), ["data_use_consent"]),
]


def _forms(application: Application, data=None, *, user=None):
    form_class = ProcedureForm if application.is_procedure else JizokukaForm
    initial = dict(application.content)  # lint-access: allow the applicant's own draft (recipient 7)
    form = form_class(data, initial=initial, prefill=application.prefill, subsidy_round=application.subsidy_round,  # lint-access: allow the applicant's own draft (recipient 7)
                      can_write_back=may_edit_record(user))
    formset = None
    if not application.is_procedure:
        tax_mode = (data.get("tax_mode") if data is not None else initial.get("tax_mode")) or "excluded"
        # Initial lines only for display: a bound formset compares its data with `initial`
        # and would drop an extra row that equals it (a row saved by the autosave before).
        lines = None if data is not None else (initial.get("expenses") or [])
        formset = ExpenseFormSet(data, prefix="exp", initial=lines, form_kwargs={"tax_mode": tax_mode, "places": rules.lodging_places()})
    return form, formset


def _required_names(application: Application) -> set[str]:
    """The fields a submission needs: marked ※必須 on the form and checked when saving."""
    names = {n for n in services.REQUIRED_FOR_SUBMIT if n in services.prefill_names(application.program) or n == "plan_title"}
    return names | ({"plan_content"} if application.is_procedure else {"sales_plan", "employees", "revenue_expected"})


def _sections(application: Application, form):
    required = _required_names(application)
    sections = []
    asked = _frame_fields(application.frame)
    for title, names in (SECTIONS_PROCEDURE if application.is_procedure else SECTIONS_JIZOKUKA):
        rows = []
        for name in names:
            if name not in form.fields or (name in FRAME_CONDITION_FIELDS and name not in asked):
                continue
            info = application.prefill.get(name)  # lint-access: allow the applicant's own draft (recipient 7)
            rows.append({
                "field": form[name], "prefill": info, "confirmed": name in application.confirmed_fields,  # lint-access: allow the applicant's own draft (recipient 7)
                "required": name in required,
                "class_name": DATA_CLASS_NAMES.get(info["class"]) if info else None,
                "source_label": Source(info["source"]).label if info and info.get("source") in Source.values else "",
                "writeback": form[f"wb_{name}"] if f"wb_{name}" in form.fields else None,
            })
        if rows:
            sections.append((title, rows))
    return sections


def _save(request, application):
    form, formset = _forms(application, request.POST, user=request.user)
    ok = form.is_valid() and (formset is None or formset.is_valid())
    if ok:
        content = form.content()
        if formset is not None:
            content["expenses"] = [
                {k: v for k, v in f.cleaned_data.items()} for f in formset.forms
                if f.cleaned_data and (f.cleaned_data.get("amount") is not None or f.cleaned_data.get("category"))
            ]
        try:
            seq = request.POST.get("client_seq", "")
            application = services.application_save_draft(
                actor=request.user, application_id=application.pk, content=content,
                confirm_all=form.cleaned_data.get("confirm_all", False), writeback=form.writeback_names(),
                client_seq=parse_int_or_none(seq, minimum=0) if seq else None,
            )
        except ApplicationError as exc:
            add_errors_to_form(form, exc.errors)
            ok = False
    return ok, application, form, formset


def _draft_or_404(request, pk):
    """404 for another business's application (or none); 403 for a user of the business
    who may not draft (accounts/permissions.py, rules 3 and 4)."""
    application = application_for_applicant_or_404(viewer=request.user, application_id=pk)
    if not services.may_draft(request.user):
        raise PermissionDenied
    if application.status not in services.EDITABLE:
        raise Http404
    return application


@role_required("business")
def edit(request, pk: int):
    application = application_for_applicant_or_404(viewer=request.user, application_id=pk)
    if not services.may_draft(request.user):
        raise PermissionDenied
    if application.status not in services.EDITABLE:
        # Back to an edit page after submission (the browser's Back, a bookmark): the
        # application as sent, with a message, rather than a 404. Nothing is saved.
        messages.info(request, _("This application has been submitted and can no longer be edited. Here it is."))
        return redirect("applications:detail", pk=application.pk)
    if request.method == "POST":
        ok, application, form, formset = _save(request, application)
        saved = ok
        if ok and "to_submit" in request.POST:
            # The draft is kept; what submission needs is checked now, beside each field,
            # not only on the submit page.
            missing = services.submission_errors(application, pledge=True)
            if not missing:
                return redirect("applications:submit", pk=application.pk)
            for field, errors in missing.items():
                for error in errors:
                    if field in form.fields:
                        form.add_error(field, error)
                    elif formset is not None and field == "expenses":
                        formset._non_form_errors = formset.error_class([*formset.non_form_errors(), error])
                    else:
                        form.add_error(None, error)
            messages.warning(request, _("Your draft was saved. Before you go to submission, complete the items marked below."))
        elif ok:
            messages.success(request, _("Your draft was saved."))
            return redirect("applications:edit", pk=application.pk)
        if not saved:
            messages.error(request, _("The draft was not saved. Please correct the errors below."))
    else:
        form, formset = _forms(application, user=request.user)
    return render(request, "applications/edit.html", {
        "application": application, "form": form, "formset": formset, "sections": _sections(application, form),
        "prefilled_count": len(application.prefill), "declined": [DATA_CLASS_NAMES.get(c, c) for c in application.declined_classes],  # lint-access: allow the applicant's own draft (recipient 7)
        "is_prime": request.user.is_prime, "client_seq": application.content.get("_seq", 0),  # lint-access: allow the applicant's own draft (recipient 7)
        "prefill_gaps": prefill_gaps(application=application, viewer=request.user),
        "corrections": application_corrections(application=application) if application.status == Application.Status.RETURNED else [],
    })


@role_required("business")
@require_POST
def autosave(request, pk: int):
    """htmx: the form posts itself on change; invalid input is reported and not saved."""
    application = _draft_or_404(request, pk)
    ok, application, form, formset = _save(request, application)
    return render(request, "applications/_autosave.html", {
        "ok": ok, "saved_at": timezone.localtime(application.updated_at), "form": form, "formset": formset,
    }, status=200 if ok else 422)


@role_required("business")
def submit(request, pk: int):
    application = _draft_or_404(request, pk)
    form = SubmitForm(request.POST or None)
    errors = {}
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(actor=request.user, application_id=application.pk,
                                                      pledge=form.cleaned_data["pledge"])
        except PermissionDenied:
            raise
        except ApplicationError as exc:
            errors = exc.errors
            messages.error(request, _("The application was not submitted. Please correct the errors below."))
        else:
            messages.success(request, _("Your application was submitted. Receipt number: %(number)s")
                             % {"number": application.receipt_number})
            return redirect("applications:detail", pk=application.pk)
    return render(request, "applications/submit.html", {
        "application": application, "form": form, "errors": errors, "pledge_text": jizokuka.PLEDGE_TEXT,
        "pledge_items": jizokuka.PLEDGE_ITEMS, "is_prime": request.user.is_prime,
        "deadline_passed": application.subsidy_round is not None and timezone.now() > application.subsidy_round.deadline,
    })


@role_required("business")
def detail(request, pk: int):
    application = application_for_applicant_or_404(viewer=request.user, application_id=pk)
    # No free-text completion report once the grant was requested: the award's steps carry on.
    reportable = application.status == Application.Status.ADOPTED and getattr(application, "award", None) is None
    form = CompletionForm() if reportable and request.user.is_prime else None
    return render(request, "applications/detail.html", {
        "application": application, "completion_form": form, "events": application.events.all(),
        "corrections": application_corrections(application=application) if application.status == Application.Status.RETURNED else [],
        "can_withdraw": application.status in PAGE_WITHDRAWABLE and request.user.is_prime,
    })


# 取下げ concerns a submitted application (a draft never submitted has nothing to withdraw).
PAGE_WITHDRAWABLE = WITHDRAWABLE - {Application.Status.DRAFT}


@role_required("business")
def withdraw(request, pk: int):
    """取下げ before a decision, from the applicant's page: a confirmation step first (the
    Prime holder only; the service refuses anything after a decision)."""
    application = application_for_applicant_or_404(viewer=request.user, application_id=pk)
    if not request.user.is_prime:
        raise PermissionDenied
    if application.status not in PAGE_WITHDRAWABLE:
        messages.error(request, _("This application can no longer be withdrawn: it has been decided or withdrawn already."))
        return redirect("applications:detail", pk=pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        reason = request.POST.get("reason", "")[:200]
        try:
            services.application_withdraw(actor=request.user, application_id=pk, reason=reason)
        except ApplicationError as exc:
            flash_errors(request, exc.errors)
        else:
            messages.success(request, _("The application was withdrawn."))
        return redirect("applications:detail", pk=pk)
    return render(request, "applications/withdraw.html", {"application": application})


def _snapshots_page(request, application, back_url: str, *, purpose: int, receipt_number: str | None):
    snapshots = application_snapshots(application=application)
    numbers = [s.number for s in snapshots]

    def chosen(name: str, default: int) -> int:
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() and int(value) in numbers else default

    before = chosen("before", numbers[-2] if len(numbers) > 1 else 0)
    after = chosen("after", numbers[-1] if numbers else 0)
    changes = (snapshot_comparison(application=application, before=before, after=after, viewer=request.user, purpose=purpose)
               if len(numbers) > 1 else [])
    return render(request, "applications/snapshots.html", {
        "application": application, "snapshots": snapshots, "before": before, "after": after, "changes": changes,
        "back_url": back_url, "receipt_number": receipt_number,
    })


@role_required("business")
def snapshots(request, pk: int):
    """Every submitted version of one's own application, and what changed between two."""
    application = application_for_applicant_or_404(viewer=request.user, application_id=pk)
    return _snapshots_page(request, application, reverse("applications:detail", args=[pk]), purpose=PURPOSE_APPLICANT_RECORDS,
                           receipt_number=application.receipt_number)


@role_required("agency_staff")
def review_snapshots(request, pk: int):
    application = application_for_agency_or_404(viewer=request.user, application_id=pk)
    # The receipt number is program-usage data (class 10): only where the business lets the agency see it.
    receipt_number = review_rows(viewer=request.user, applications=[application])[0]["receipt_number"]
    return _snapshots_page(request, application, reverse("applications:review-detail", args=[pk]), purpose=PURPOSE_SHARING,
                           receipt_number=receipt_number)


@role_required("business")
@require_POST
def complete(request, pk: int):
    application = application_for_applicant_or_404(viewer=request.user, application_id=pk)
    form = CompletionForm(request.POST)
    if form.is_valid():
        try:
            services.application_complete(actor=request.user, application_id=application.pk,
                                          report=form.cleaned_data["completion_report"])
        except ApplicationError as exc:
            flash_errors(request, exc.errors)
        else:
            messages.success(request, _("Your completion report was sent."))
    else:
        messages.error(request, _("Write the completion report."))
    return redirect("applications:detail", pk=application.pk)


FRAME_LABELS_JA = {"normal": "通常枠", "wage_increase": "賃金引上げ枠", "graduation": "卒業枠", "successor": "後継者支援枠",
                   "startup": "創業枠"}


def application_pdf_bytes(application: Application, *, snapshot: dict | None = None) -> bytes:
    """Synchronous render (one small document, well under a second; see docs/once-only.md).
    `snapshot` is what the reader may see of the submitted snapshot (the projection's
    output for anyone but the applicant)."""
    snapshot = application.snapshot or {} if snapshot is None else snapshot  # lint-access: allow the applicant's own PDF unless a projected snapshot is given
    return render_pdf("applications/pdf/application.html", {
        "application": application, "snapshot": snapshot, "content": snapshot.get("content", {}),
        "program": Program(application.program).label, "expense_labels": dict(jizokuka.EXPENSE_CATEGORIES),
        "region_labels": {c: label for c, label, _cap in rules.lodging_places()},
        "pledge_items": jizokuka.PLEDGE_ITEMS,
        # The PDF is Japanese whatever the viewer's language (the form the call prescribes).
        "frame_label": FRAME_LABELS_JA.get((snapshot.get("frame") or {}).get("kind") or "", ""),
        # From the (projected) snapshot: a business that withholds its program-usage data
        # (class 10) from the reader withholds the receipt number too.
        "receipt_number": snapshot.get("receipt_number") or "非開示",
    })


def _pdf_response(application: Application, *, snapshot: dict | None = None) -> HttpResponse:
    if application.status in (Application.Status.DRAFT, Application.Status.WITHDRAWN) or not application.snapshot:  # lint-access: allow existence check, nothing released
        raise Http404
    response = HttpResponse(application_pdf_bytes(application, snapshot=snapshot), content_type="application/pdf")
    name = (snapshot or application.snapshot).get("receipt_number") or f"application-{application.pk}"  # lint-access: allow the receipt number only where the reader's snapshot keeps it
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@role_required("business")
def pdf(request, pk: int):
    return _pdf_response(application_for_applicant_or_404(viewer=request.user, application_id=pk))


# --- Agency staff: review ------------------------------------------------------------------


@role_required("agency_staff")
def review_list(request):
    status = request.GET.get("status") or None
    if status and status not in Application.Status.values:
        status = None
    page = Paginator(review_queue(viewer=request.user, status=status), 50).get_page(request.GET.get("page"))
    return render(request, "applications/review_list.html", {
        "page": page, "rows": review_rows(viewer=request.user, applications=list(page.object_list)), "status": status,
        "statuses": Application.Status.choices})


@role_required("agency_staff")
def review_detail(request, pk: int):
    application = application_for_agency_or_404(viewer=request.user, application_id=pk)
    review_form = ReviewForm(request.POST if request.POST.get("action") == "decide" else None)
    return_formset = ReturnFormSet(request.POST if request.POST.get("action") == "return" else None, prefix="ret",
                                   form_kwargs={"fields": correctable_fields(application)})
    certify_form = CertifyForm(request.POST if request.POST.get("action") == "certify" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "start":
                services.application_review_start(actor=request.user, application_id=pk)
            elif action == "decide" and review_form.is_valid():
                services.application_review_decide(actor=request.user, application_id=pk,
                                                   score=review_form.cleaned_data["review_score"],
                                                   result=review_form.cleaned_data["review_result"])
            elif action == "return" and return_formset.is_valid():
                services.application_return(actor=request.user, application_id=pk, reasons={
                    f.cleaned_data["field"]: f.cleaned_data["reason"] for f in return_formset.forms
                    if f.cleaned_data.get("field") and f.cleaned_data.get("reason")})
            elif action == "certify" and certify_form.is_valid():
                services.procedure_certify(actor=request.user, application_id=pk, certified_on=certify_form.cleaned_data["certified_on"])
            else:
                raise ApplicationError(_("Please correct the errors below."))
        except ApplicationError as exc:
            flash_errors(request, exc.errors)
        else:
            messages.success(request, _("The application was updated."))
            return redirect("applications:review-detail", pk=pk)
    released = review_release(viewer=request.user, application=application)
    return render(request, "applications/review_detail.html", {
        "application": application, "review_form": review_form, "certify_form": certify_form,
        "return_formset": return_formset, "corrections": application_corrections(application=application),
        "released": released.record, "business_name": released.business_name,
        "receipt_number": released.record.get("receipt_number"),
        "content": released.snapshot.get("content", {}), "withheld": released.withheld,
    })


@role_required("agency_staff")
def review_pdf(request, pk: int):
    application = application_for_agency_or_404(viewer=request.user, application_id=pk)
    return _pdf_response(application, snapshot=review_release(viewer=request.user, application=application).snapshot)


# --- Public self-checks --------------------------------------------------------------------

STAFF_ROLES = list(eligibility.COUNTED_ROLES)


def eligibility_page(request):
    result = None
    errors: dict = {}
    values = {"industry": request.POST.get("industry", "commerce_service"), "target_round": request.POST.get("target_round", "11")}
    if request.method == "POST":
        def as_int(v):
            try:
                return int(v)
            except (TypeError, ValueError):
                return v
        staff = [{"role": r, "count": as_int(request.POST.get(f"staff_{r}") or 0)} for r in STAFF_ROLES]
        previous = []
        for program in ("r1_general", "r2_low_infection"):
            for number in request.POST.getlist(f"prev_{program}"):
                previous.append({"program": program, "round": as_int(number)})
        data = {"industry": values["industry"], "staff": staff, "previous_adoptions": previous,
                "target_round": as_int(values["target_round"])}
        try:
            result = eligibility.check_jizokuka(data)
        except eligibility.EligibilityInputError as exc:
            errors = exc.errors
    return render(request, "applications/eligibility.html", {
        "result": result, "errors": errors, "values": values, "post": request.POST,
        "roles": STAFF_ROLES, "industries": list(eligibility.THRESHOLDS),
        "r1_rounds": list(eligibility.PROGRAM_ROUNDS["r1_general"]), "r2_rounds": list(eligibility.PROGRAM_ROUNDS["r2_low_infection"]),
    })


def minimum_wage_page(request):
    result = None
    errors: dict = {}
    kind = request.POST.get("kind", "monthly")
    if request.method == "POST":
        p = {name: eligibility.ungrouped(value) for name, value in request.POST.items()}
        try:
            if kind == "annual":
                result = eligibility.hourly_from_annual(p.get("annual_pay"), p.get("working_days"), p.get("daily_hours"))
            elif kind == "monthly":
                result = eligibility.hourly_from_monthly(p.get("monthly_pay"), p.get("monthly_hours"))
            elif kind == "daily":
                result = eligibility.hourly_from_daily(p.get("daily_pay"), p.get("daily_hours"))
            elif kind == "commission":
                result = eligibility.hourly_from_commission(p.get("commission_total"), p.get("hours_worked"), p.get("months"),
                                                            p.get("fixed_hourly") or 0)
            else:
                errors = {"kind": [_("Choose the kind of pay.")]}
        except eligibility.EligibilityInputError as exc:
            errors = exc.errors
    return render(request, "applications/minimum_wage.html", {"result": result, "errors": errors, "kind": kind, "post": request.POST})


# --- The self-check wizard (eligibility → frame → re-application → minimum wage) -----------

WIZARD_FORMS = {"eligibility": wizard.EligibilityStep, "frame": wizard.FrameStep, "reapply": wizard.ReapplyStep,
                "wage": wizard.WageStep}


def _wizard_next(step: str, answers: dict) -> str:
    following = wizard.STEP_NAMES[wizard.STEP_NAMES.index(step) + 1]
    if following == "wage":
        frame = wizard.frame_of(answers, wizard.round_of(answers))
        if not wizard.wage_needed(frame):
            return "result"
    return following


def _wizard_initial(step: str, answers: dict) -> dict:
    initial = dict(answers.get(step) or {})
    if step == "wage":
        initial.pop("hourly", None)
        initial.pop("lowest", None)
        initial["ledger"] = [{k: v for k, v in row.items() if k != "hourly"} for row in initial.get("ledger") or []]
    return initial


def selfcheck_wizard(request, step: str = "eligibility"):
    """One flow, pre-filled from the record for a business user; ends at "start this application"."""
    if step not in wizard.STEP_NAMES:
        raise Http404
    answers = wizard.state(request)
    if request.method == "POST" and request.POST.get("restart"):
        wizard.save_state(request, {})
        return redirect("applications:wizard", step="eligibility")
    if not answers:
        answers = wizard.answers_from_record(request.user)
        answers["prefilled"] = bool(answers)
        wizard.save_state(request, answers)
    subsidy_round = wizard.round_of(answers)
    # A later step needs the earlier ones.
    if step != "eligibility" and (subsidy_round is None or not (answers.get("eligibility") or {}).get("subsidy_round")):
        return redirect("applications:wizard", step="eligibility")
    frame = wizard.frame_of(answers, subsidy_round)
    if step in ("reapply", "wage", "result") and frame is None:
        return redirect("applications:wizard", step="frame")
    form = None
    if step in WIZARD_FORMS:
        kwargs = {"subsidy_round": subsidy_round} if step == "frame" else {"frame": frame} if step == "wage" else {}
        form_class = WIZARD_FORMS[step]
        if request.method == "POST":
            form = form_class(request.POST, **kwargs)
            if form.is_valid():
                answers[step] = form.answers() if step == "wage" else wizard.jsonable(form.cleaned_data)
                if step == "eligibility":  # another round: the frame must be chosen again
                    answers.pop("frame", None)
                wizard.save_state(request, answers)
                return redirect("applications:wizard", step=_wizard_next(step, answers))
        else:
            form = form_class(initial=_wizard_initial(step, answers), **kwargs)
    verdicts = wizard.evaluate(answers)
    may_start = (
        step == "result" and all(v.get("ok") is True for v in verdicts.values()) and subsidy_round is not None
        and subsidy_round.deadline >= timezone.now() and services.may_draft(request.user)
    )
    return render(request, "applications/wizard.html", {
        "step": step, "steps": wizard.STEPS, "form": form, "verdicts": verdicts, "answers": answers,
        "subsidy_round": subsidy_round, "frame": frame, "may_start": may_start,
        "round_open": subsidy_round is not None and subsidy_round.deadline >= timezone.now(),
        "done": [name for name in wizard.STEP_NAMES if name in verdicts],
        "ledger_items": rules.WAGE_LEDGER_ITEMS, "register_items": rules.WORKER_REGISTER_ITEMS,
        "excluded_pay": rules.EXCLUDED_PAY.values(), "prefilled": answers.get("prefilled"),
    })
