"""The reviewer's scoring page: the call's criteria, the reviewer's points, and the
decision (adopt / not adopt) once every criterion is scored."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import role_required
from applications.selectors import application_for_agency_or_404, review_rows
from core.errors import ApplicationError
from core.forms import add_errors_to_form, flash_errors
from core.input import CharField, IntegerField

from . import services
from .selectors import score_sheet


class ScoreForm(forms.Form):
    note = CharField(label=gettext_lazy("Note (seen by reviewers only)"), required=False, max_length=services.MAX_NOTE,
                     widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        for row in criteria:
            c = row["criterion"]
            self.fields[f"c_{c.code}"] = IntegerField(
                label=f"{c.name}（0〜{c.max_points}）", min_value=0, max_value=c.max_points, help_text=c.description,
                initial=row["points"], error_messages={"required": _("Score this criterion.")})


class DecideForm(forms.Form):
    result = forms.ChoiceField(label=gettext_lazy("Result"), widget=forms.RadioSelect,
                               choices=[("adopted", gettext_lazy("Adopt")), ("not_adopted", gettext_lazy("Not adopt"))])
    confirm = forms.BooleanField(label=gettext_lazy("I confirm the decision; it cannot be undone."),
                                 error_messages={"required": gettext_lazy("Confirm the decision.")})


@role_required("agency_staff")
def score(request, pk: int):
    application = application_for_agency_or_404(viewer=request.user, application_id=pk)
    sheet = score_sheet(viewer=request.user, application=application)
    action = request.POST.get("action") if request.method == "POST" else None
    score_form = ScoreForm(request.POST if action == "score" else None, criteria=sheet["criteria"], initial={"note": sheet["note"]})
    decide_form = DecideForm(request.POST if action == "decide" else None)
    if request.method == "POST":
        try:
            if action == "score" and score_form.is_valid():
                total = services.review_score_save(
                    actor=request.user, application_id=pk,
                    points={k: v for k, v in score_form.cleaned_data.items() if k.startswith("c_")},
                    note=score_form.cleaned_data["note"])
                messages.success(request, _("Your scores were saved. The application's score is now %(score)s.") % {"score": total})
                return redirect("reviews:score", pk=pk)
            if action == "decide" and decide_form.is_valid():
                decided = services.review_decide(actor=request.user, application_id=pk, result=decide_form.cleaned_data["result"])
                messages.success(request, _("The result was recorded: %(result)s.") % {"result": decided.get_status_display()})
                return redirect("applications:review-detail", pk=pk)
            raise ApplicationError(_("Please correct the errors below."))
        except ApplicationError as exc:
            form = score_form if action == "score" else decide_form
            if form.is_bound:
                add_errors_to_form(form, exc.errors)
            flash_errors(request, exc.errors)
    row = review_rows(viewer=request.user, applications=[application])[0]
    return render(request, "reviews/score.html", {
        "application": application, "sheet": sheet, "score_form": score_form, "decide_form": decide_form,
        "receipt_number": row["receipt_number"], "business_name": row["business_name"],
    })
