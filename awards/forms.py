from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from applications import rules
from applications.jizokuka import EXPENSE_CATEGORIES

from .models import TAX_MODES

AMOUNT_MAX = 10**12


def amount_field(label, required=True, minimum=0):
    return forms.IntegerField(label=label, required=required, min_value=minimum, max_value=AMOUNT_MAX,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


def date_field(label, required=True):
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


class GrantRequestForm(forms.Form):
    tax_mode = forms.ChoiceField(label=_("Expenses are booked"), choices=TAX_MODES, initial="excluded",
                                 help_text=_("Tax included only for a business that is not a taxpayer, is exempt or uses "
                                             "simplified taxation; a joint application is always tax excluded."))
    confirm = forms.BooleanField(label=_("I request the grant of the adopted plan."), required=True)


class GrantDecideForm(forms.Form):
    project_end = date_field(_("Project ends on"))
    report_due = date_field(_("Performance report due on"))


class PlanChangeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the change"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in EXPENSE_CATEGORIES:
            self.fields[f"plan_{code}"] = amount_field(label, required=False)
            self.fields[f"plan_{code}"].initial = (plan or {}).get(code)

    def plan(self) -> dict:
        return {code: self.cleaned_data.get(f"plan_{code}") for code, _label in EXPENSE_CATEGORIES}


class PlanDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note (required when refusing)"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ExpenseLineForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—")] + list(EXPENSE_CATEGORIES))
    description = forms.CharField(label=_("What was bought"), max_length=200)
    vendor = forms.CharField(label=_("Vendor"), max_length=200)
    paid_on = date_field(_("Paid on"))
    amount = amount_field(_("Amount (yen)"), minimum=1)
    tax_mode = forms.ChoiceField(label=_("The amount is"), choices=TAX_MODES, initial="excluded")
    travel_item = forms.ChoiceField(label=_("Travel: what it pays for"), required=False,
                                    choices=[("", "—")] + list(rules.TRAVEL_ITEMS.items()))
    region = forms.ChoiceField(label=_("Lodging area or city"), required=False, choices=[("", "—")])
    nights = forms.IntegerField(label=_("Nights"), required=False, min_value=1, max_value=366)
    lodging_per_night = amount_field(_("Lodging per night (yen)"), required=False)
    receipt_file = forms.FileField(label=_("…or upload the receipt (PDF, JPEG, PNG)"), required=False)

    def __init__(self, *args, documents=(), places=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["region"]).choices = [("", "—")] + [(code, label) for code, label, _cap in places]
        # Any id is accepted here; the service refuses one that is not the business's own.
        self.fields["receipt"] = forms.IntegerField(label=_("Receipt from your documents"), required=False, min_value=1,
                                                    max_value=2**63 - 1, widget=forms.Select(
                                                        choices=[("", "—")] + [(d.pk, str(d)) for d in documents]))
        self.fields["receipt_file"] = self.fields.pop("receipt_file")  # after the choice from the vault


class ReportForm(forms.Form):
    summary = forms.CharField(label=_("What the project did"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    confirm = forms.BooleanField(label=_("I confirm the ledger and understand that the report cannot be changed once sent."))


class ConfirmForm(forms.Form):
    """確定検査: per line, the accepted amount and the reason for any deduction."""

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"accepted_{line.pk}"] = amount_field(_("Accepted (yen)"))
            self.fields[f"accepted_{line.pk}"].initial = line.amount
            self.fields[f"reason_{line.pk}"] = forms.CharField(label=_("Reason for the deduction"), max_length=500, required=False)

    def assessments(self) -> dict[int, tuple[int, str]]:
        return {line.pk: (self.cleaned_data[f"accepted_{line.pk}"], self.cleaned_data.get(f"reason_{line.pk}", ""))
                for line in self.lines}

    def rows(self):
        return [(line, self[f"accepted_{line.pk}"], self[f"reason_{line.pk}"]) for line in self.lines]


class ProfitReportForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int, choices=())
    revenue = amount_field(_("Revenue from the project (yen)"))
    costs = amount_field(_("Costs (yen)"))

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["fiscal_year"]).choices = [(y, f"{y}年度") for y in years]


class ConfirmStepForm(forms.Form):
    confirm = forms.BooleanField(label=_("I confirm this step."))
