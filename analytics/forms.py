"""Input only: filters, the pledge, its decision, the EBPM parameters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from applications.models import PROCEDURES, Program
from companies.reference import JSIC_MIDDLE_CHOICES, PREFECTURE_CHOICES
from core import input as inputs

from .dashboard import DIMENSION_LABELS, DIMENSIONS
from .ebpm import OUTCOMES

BLANK = [("", pgettext_lazy("filter", "All"))]
SUBSIDY_CHOICES = [(code, label) for code, label in Program.choices if code not in PROCEDURES]
PREFECTURE_OPTIONS = BLANK + [(code, name) for code, name in PREFECTURE_CHOICES]
METRIC_CHOICES = [
    ("applications", pgettext_lazy("count", "Applications")), ("adopted", _("Adoptions")), ("adoption_rate", _("Adoption rate (%)")),
    ("granted_amount", _("Granted amount (yen)")),
]


class DashboardFilterForm(forms.Form):
    fiscal_year = inputs.IntegerField(label=_("Fiscal year"), required=False, min_value=2000, max_value=2100)
    program = forms.ChoiceField(label=_("Program"), required=False, choices=BLANK + list(Program.choices))
    round_number = inputs.IntegerField(label=_("Round"), required=False, min_value=1, max_value=99)
    prefecture = forms.ChoiceField(label=_("Prefecture"), required=False, choices=PREFECTURE_OPTIONS)
    industry = forms.ChoiceField(label=_("Industry"), required=False, choices=[*BLANK, *JSIC_MIDDLE_CHOICES])
    by = forms.ChoiceField(label=_("Break down by"), required=False, choices=[(d, DIMENSION_LABELS[d]) for d in DIMENSIONS])
    metric = forms.ChoiceField(label=_("Map shows"), required=False, choices=METRIC_CHOICES)

    FILTERS = ("fiscal_year", "program", "round_number", "prefecture", "industry")

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {k: data.get(k) for k in self.FILTERS if data.get(k) not in (None, "")}


class ExtractFilterForm(forms.Form):
    fiscal_year = inputs.IntegerField(label=_("Application fiscal year"), required=False, min_value=2000, max_value=2100)
    program = forms.ChoiceField(label=_("Program"), required=False, choices=BLANK + list(Program.choices))
    prefecture = forms.ChoiceField(label=_("Prefecture"), required=False, choices=PREFECTURE_OPTIONS)

    def filters(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class OpenDataFilterForm(forms.Form):
    q = inputs.CharField(label=_("Corporate number or name"), required=False, max_length=100)
    fiscal_year = inputs.IntegerField(label=_("Fiscal year"), required=False, min_value=2000, max_value=2100)
    prefecture = forms.ChoiceField(label=_("Prefecture"), required=False, choices=PREFECTURE_OPTIONS)
    program = forms.ChoiceField(label=_("Program"), required=False, choices=BLANK + list(Program.choices))

    def filters(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class ResearcherRegisterForm(forms.Form):
    affiliation = inputs.CharField(label=_("Research institution"), max_length=200,
                                  help_text=_("University, research institute or 施設等機関 you belong to."))


class PledgeForm(forms.Form):
    affiliation = inputs.CharField(label=_("Research institution"), max_length=200)
    research_purpose = inputs.CharField(label=_("Purpose of use"), widget=forms.Textarea(attrs={"rows": 4}),
                                       help_text=_("The policy evaluation (EBPM) you will carry out. The data may be used for this purpose only."))
    research_record = inputs.CharField(label=_("Main research record"), widget=forms.Textarea(attrs={"rows": 4}),
                                      help_text=_("Publications and projects that show your experience with such data."))
    information_management = inputs.CharField(label=_("Information-management system"), widget=forms.Textarea(attrs={"rows": 4}),
                                             help_text=_("Where the data is kept, who may access it, how it is protected and deleted."))
    accepted_terms = forms.BooleanField(
        label=_("I pledge to use the data only for policy evaluation (EBPM), to keep it confidential, not to give it to any third party and to delete it when the research ends."),
        required=False,
    )


class PledgeDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.RadioSelect)
    approved_until = forms.DateField(label=_("Approved until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = inputs.CharField(label=_("Note to the researcher"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class PledgeWithdrawForm(forms.Form):
    note = inputs.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EbpmForm(forms.Form):
    title = inputs.CharField(label=_("Title"), required=False, max_length=200)
    program = forms.ChoiceField(label=_("Program"), required=False, choices=[("", _("All subsidies"))] + SUBSIDY_CHOICES)
    first_year = inputs.IntegerField(label=_("First cohort fiscal year"), min_value=2000, max_value=2100, initial=2020)
    last_year = inputs.IntegerField(label=_("Last cohort fiscal year"), min_value=2000, max_value=2100, initial=2023)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[
        ("log_sales", _("Sales (log)")), ("sales", _("Sales (million yen)")), ("ordinary_profit", _("Ordinary profit (million yen)")),
        ("value_added", _("Value added (million yen)")),
    ], initial="log_sales")
    pre_years = inputs.IntegerField(label=_("Years before"), min_value=1, max_value=5, initial=2)
    post_years = inputs.IntegerField(label=_("Years after"), min_value=1, max_value=6, initial=3)
    industry_level = forms.ChoiceField(label=_("Same industry"), choices=[
        ("major", _("JSIC major division")), ("middle", _("JSIC middle class")), ("none", _("Do not match on industry")),
    ], initial="major")
    match_size = forms.BooleanField(label=_("Same size band (employees)"), required=False, initial=True)
    match_sales = forms.BooleanField(label=_("Same band of pre-application sales"), required=False, initial=True)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        first, last = data.get("first_year"), data.get("last_year")
        if first and last and first > last:
            self.add_error("last_year", _("The last year must not be before the first."))
        if data.get("outcome") and data["outcome"] not in OUTCOMES:
            self.add_error("outcome", _("This value is not valid."))
        return data

    def params(self):
        from .ebpm import EbpmParams

        d = self.cleaned_data
        return EbpmParams(program=d.get("program") or "", cohort_years=list(range(d["first_year"], d["last_year"] + 1)),
                          outcome=d["outcome"], pre_years=d["pre_years"], post_years=d["post_years"],
                          industry_level=d["industry_level"], match_size=bool(d.get("match_size")),
                          match_sales=bool(d.get("match_sales")))
