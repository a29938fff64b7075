"""Input forms only: types, ranges and the rules that concern one save of a draft.

Completeness (what a submission needs) is checked by services.application_submit, so that a
draft can be saved as the applicant goes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from companies.reference import JSIC_MIDDLE, PREFECTURES
from core import input as inputs

from . import jizokuka, rules
from .prefill import PREFILL_FIELDS, PROCEDURE_PREFILL

AMOUNT_MESSAGES = {
    "invalid": _("Enter an amount in yen as a whole number (digits only)."),
    "min_value": _("Enter an amount of zero or more."),
    "max_value": _("This amount is too large."),
}


def amount_field(label, *, allow_negative: bool = False) -> inputs.IntegerField:
    return inputs.IntegerField(
        label=label, required=False, min_value=None if allow_negative else 0, max_value=10**13,
        error_messages=AMOUNT_MESSAGES, widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def count_field(label) -> inputs.IntegerField:
    return inputs.IntegerField(label=label, required=False, min_value=0, max_value=10**7, error_messages={
        "invalid": _("Enter a whole number."), "min_value": _("Enter a number of zero or more."),
    })


def hours_field(label) -> inputs.DecimalField:
    """Scheduled hours or days (a month has at most 744 hours), to two decimal places."""
    return inputs.DecimalField(label=label, required=False, min_value=Decimal("0.1"), max_value=744, decimal_places=2,
                               error_messages={"invalid": _("Enter a number.")})


# Limits a person sees (maxlength and a counter) and the server enforces: a free text of an
# application form is at most 5,000 characters (about ten A4 pages of Japanese), a title 100.
TEXT_AREA_MAX = 5000
TITLE_MAX = 100


def text(label, *, area: bool = False, max_length: int = 300, **kwargs) -> inputs.CharField:
    return inputs.CharField(label=label, required=False, max_length=TEXT_AREA_MAX if area else max_length, **kwargs,
                           widget=forms.Textarea(attrs={"rows": 4}) if area else forms.TextInput)


def date_field(label) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"invalid": _("Enter a date such as 2022-03-31.")})


TAX_STATUS_CHOICES = [("", "—"), *rules.TAX_STATUSES.items()]

RECORD_FORM_FIELDS = {
    "company_name": lambda: text(_("Name of the business")),
    "company_name_kana": lambda: text(_("Name (kana)")),
    "corporate_number": lambda: text(_("Corporate number"), max_length=13, code=True),
    "prefecture": lambda: forms.ChoiceField(label=_("Prefecture"), required=False, choices=[("", "—")] + sorted(PREFECTURES.items())),
    "municipality": lambda: text(_("Municipality")),
    "address": lambda: text(_("Address")),
    "representative_name": lambda: text(_("Representative")),
    "representative_birth_date": lambda: date_field(_("Representative's date of birth")),
    "phone": lambda: text(_("Phone"), max_length=20, nfkc=True),
    "employees": lambda: count_field(_("Regularly employed staff")),
    "capital": lambda: amount_field(_("Capital (yen)")),
    "founded_year": lambda: inputs.IntegerField(label=_("Year founded"), required=False, min_value=1800, max_value=2100,
                                               error_messages={"invalid": _("Enter a year such as 1998.")}),
    "industry_jsic": lambda: forms.ChoiceField(label=_("Industry (JSIC middle class)"), required=False,
                                               choices=[("", "—")] + [(c, f"{c} {n}") for c, n in sorted(JSIC_MIDDLE.items())]),
    "joint_applicants": lambda: text(_("Joint applicants (one per line)"), area=True),
    "business_description": lambda: text(_("Business description"), area=True),
    "main_products": lambda: text(_("Main products and services"), area=True),
    "customers": lambda: text(_("Main customers"), area=True),
    "consumption_tax_status": lambda: forms.ChoiceField(label=_("Consumption tax status"), required=False, choices=TAX_STATUS_CHOICES),
    "contact_name": lambda: text(_("Contact person")),
    "contact_department": lambda: text(_("Contact's department")),
    "contact_phone": lambda: text(_("Contact's phone"), max_length=20, nfkc=True),
    "contact_email": lambda: inputs.EmailField(label=_("Contact's e-mail"), required=False),
    "fy_year": lambda: inputs.IntegerField(label=_("Latest fiscal year"), required=False, min_value=1990, max_value=2100,
                                          error_messages={"invalid": _("Enter a year such as 2024.")}),
    "fy_sales": lambda: amount_field(_("Sales")),
    "fy_gross_profit": lambda: amount_field(_("Gross profit"), allow_negative=True),
    "fy_operating_profit": lambda: amount_field(_("Operating profit"), allow_negative=True),
    "fy_personnel_cost": lambda: amount_field(_("Personnel cost")),
    "fy_depreciation": lambda: amount_field(_("Depreciation")),
    "plan_overview": lambda: text(_("Company overview"), area=True),
    "plan_market": lambda: text(_("Customers and market trends"), area=True),
    "plan_strengths": lambda: text(_("Strengths"), area=True),
    "plan_policy": lambda: text(_("Management policy and goals"), area=True),
    "keieiryoku_certified_on": lambda: date_field(_("Management capability improvement plan certified on")),
}
assert set(RECORD_FORM_FIELDS) == {f.name for f in PREFILL_FIELDS}


class PrefilledForm(forms.Form):
    """A form whose record fields come from the business record; each offers
    "update my record" (wb_<field>) and the applicant confirms them (confirm_all)."""

    record_fields: tuple[str, ...] = ()

    def __init__(self, *args, prefill: dict | None = None, subsidy_round=None, can_write_back: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.prefill = prefill or {}
        self.subsidy_round = subsidy_round
        for name in self.record_fields:
            self.fields[name] = RECORD_FORM_FIELDS[name]()
            spec = next(f for f in PREFILL_FIELDS if f.name == name)
            if spec.writeback and name in self.prefill and can_write_back:
                self.fields[f"wb_{name}"] = forms.BooleanField(label=_("Update my record with this value"), required=False)
        if "corporate_number" in self.fields:
            self.fields["corporate_number"].disabled = True
        self.fields["confirm_all"] = forms.BooleanField(
            label=_("I have checked the items taken from my record."), required=False)

    def record_field_names(self) -> list[str]:
        return [n for n in self.record_fields if n in self.fields]

    def writeback_names(self) -> list[str]:
        return [n[3:] for n, f in self.fields.items() if n.startswith("wb_") and self.cleaned_data.get(n)]

    def content(self) -> dict:
        """The JSON-able content of the draft (dates as ISO strings)."""
        data = {}
        for name, value in self.cleaned_data.items():
            if name.startswith("wb_") or name == "confirm_all":
                continue
            data[name] = value.isoformat() if isinstance(value, dt.date) else str(value) if isinstance(value, Decimal) else value
        return data


class JizokukaForm(PrefilledForm):
    record_fields = tuple(f.name for f in PREFILL_FIELDS)

    plan_title = text(_("Title of the project"), max_length=TITLE_MAX)
    sales_plan = text(_("Sales channel development (販路開拓等の取組内容)"), area=True)
    efficiency_plan = text(_("Business efficiency (業務効率化の取組内容, optional)"), area=True)
    expected_effect = text(_("Expected effect"), area=True)
    tax_mode = forms.ChoiceField(label=_("Expenses are entered"), choices=[
        ("excluded", _("Tax excluded (税抜)")), ("included", _("Tax included (税込)"))], initial="excluded")
    revenue_expected = forms.ChoiceField(label=_("Will the project directly earn revenue (収益納付)?"), required=False, choices=[
        ("", "—"), ("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect)
    revenue_description = text(_("Which revenue (e.g. participation fees, sales at an exhibition)"), area=True)
    bonus_succession = forms.BooleanField(label=_("Request the business succession bonus"), required=False)
    successor_name = text(_("Successor candidate who leads the project"))
    bonus_depopulated = forms.BooleanField(label=_("Request the depopulated-area bonus (the business is in a 過疎地域)"), required=False)
    bonus_keieiryoku = forms.BooleanField(label=_("Request the management capability improvement plan bonus"), required=False)

    # Frame (枠) and its conditions: the rows of the round (applications.Frame), read by rules.
    frame = forms.ChoiceField(label=_("Frame"), required=False, choices=[("", "—")])
    industry_group = forms.ChoiceField(label=_("Industry group"), required=False,
                                       choices=[("", _("As the industry code says"))] + list(rules.INDUSTRY_GROUPS.items()),
                                       help_text=_("Correct the group only if your business is of another kind than its code says."))
    industry_group_reason = text(_("Why another group"), area=True)
    opened_on = date_field(_("Date the business opened"))
    specific_startup_support = forms.BooleanField(label=_("Received support under a specific start-up support programme"), required=False)
    successor_finalist = forms.BooleanField(label=_("A finalist or semi-finalist of the Atotsugi Koshien"), required=False)
    plans_growth_beyond_limit = forms.BooleanField(
        label=_("Plans to employ more staff than a small business may have by the end of the project"), required=False)
    invoice_special = forms.BooleanField(label=_("Request the invoice special rule"), required=False)
    was_tax_exempt = forms.BooleanField(label=_("Was tax-exempt and registers as a qualified invoice issuer"), required=False)
    deficit = forms.BooleanField(label=_("The business made a loss in the latest fiscal year"), required=False)
    lowest_wage_hourly = inputs.IntegerField(label=_("Lowest wage in the workplace now (yen an hour)"), required=False,
                                            min_value=1, max_value=100_000, error_messages={"invalid": _("Enter a whole number.")})
    planned_wage_hourly = inputs.IntegerField(label=_("Lowest wage at the end of the project (yen an hour)"), required=False,
                                             min_value=1, max_value=100_000, error_messages={"invalid": _("Enter a whole number.")})
    # §2 (d-2): part-time staff by group, with the scheduled time of a regular employee of the
    # same workplace; the 3/4 test at submission decides whether they count (rules.part_time_check).
    part_time_staff = count_field(_("Part-time staff (number of people)"))
    regular_daily_hours = hours_field(_("Regular employee: scheduled hours a day"))
    regular_weekly_hours = hours_field(_("Regular employee: scheduled hours a week"))
    regular_monthly_days = hours_field(_("Regular employee: scheduled days a month"))
    part_daily_hours = hours_field(_("Part-time staff: scheduled hours a day"))
    part_weekly_hours = hours_field(_("Part-time staff: scheduled hours a week"))
    part_monthly_days = hours_field(_("Part-time staff: scheduled days a month"))
    wage_ledger_items = forms.MultipleChoiceField(label=_("Our wage ledger shows"), required=False,
                                                  choices=rules.WAGE_LEDGER_ITEMS, widget=forms.CheckboxSelectMultiple)
    worker_register_items = forms.MultipleChoiceField(label=_("Our worker register shows"), required=False,
                                                      choices=rules.WORKER_REGISTER_ITEMS, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.frames = {str(f.pk): f for f in rules.frames_of_round(self.subsidy_round)}
        self.fields["frame"].choices = [("", "—")] + [
            (pk, f"{f.get_kind_display()}（{rules.frame_terms(f).rate.numerator}/{rules.frame_terms(f).rate.denominator}・"
                 f"{f.cap:,}円）") for pk, f in self.frames.items()]

    def content(self) -> dict:
        data = super().content()
        data["frame"] = int(data["frame"]) if data.get("frame") else None
        return data

    def clean(self):
        cleaned = super().clean()
        joint = bool((cleaned.get("joint_applicants") or "").strip())
        for name, messages in rules.tax_mode_errors(cleaned.get("tax_mode"), cleaned.get("consumption_tax_status"), joint=joint).items():
            self.add_error(name, messages)
        decision = rules.industry_group([rules.IndustryLine(cleaned.get("industry_jsic") or "")])
        _decision, industry_errors = rules.apply_industry_correction(decision, cleaned.get("industry_group"), cleaned.get("industry_group_reason"))
        for name, messages in industry_errors.items():
            self.add_error(name, messages)
        round_ = self.subsidy_round
        if cleaned.get("bonus_succession") and round_ is not None:
            birth = cleaned.get("representative_birth_date")
            if not rules.succession_bonus_ok(birth, round_.reference_date):
                self.add_error("bonus_succession", _(
                    "The succession bonus needs a representative aged %(age)s or more on %(date)s.")
                    % {"age": rules.SUCCESSION_BONUS_AGE, "date": round_.reference_date.isoformat()})
        if cleaned.get("bonus_keieiryoku") and round_ is not None:
            certified = cleaned.get("keieiryoku_certified_on")
            if not jizokuka.keieiryoku_bonus_ok(certified, round_.plan_certified_by):
                self.add_error("bonus_keieiryoku", _(
                    "The management capability improvement plan bonus needs a plan certified on or before %(date)s.")
                    % {"date": round_.plan_certified_by.isoformat() if round_.plan_certified_by else "—"})
        return cleaned


class ProcedureForm(PrefilledForm):
    record_fields = PROCEDURE_PREFILL

    plan_title = text(_("Title of the plan"), max_length=TITLE_MAX)
    plan_content = text(_("Content of the plan"), area=True)
    # The checklist's data-use consent: unticked by default, the applicant's choice.
    data_use_consent = forms.BooleanField(
        label=_("I agree that the data of this procedure is used under the SME Agency data-use policy (optional)."),
        required=False, initial=False)


class ExpenseLineForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—")] + jizokuka.EXPENSE_CATEGORIES, required=False)
    description = text(_("Description"))
    amount = amount_field(_("Amount (yen)"))
    # §10 旅費: what the travel line pays for (日当 is refused) and where the lodging is.
    travel_item = forms.ChoiceField(label=_("Travel: what it pays for"), required=False,
                                    choices=[("", "—")] + list(rules.TRAVEL_ITEMS.items()))
    region = forms.ChoiceField(label=_("Lodging area or city"), required=False, choices=[("", "—")])
    nights = count_field(_("Nights"))
    lodging_per_night = amount_field(_("Lodging per night (yen)"))
    # §5: building work (増築・増床, 物置等の設置) and the three tests of 「不動産の取得」.
    building_work = forms.BooleanField(label=_("Building work (extension, a shed …)"), required=False)
    outer_closure = forms.BooleanField(label=rules.REAL_ESTATE_TESTS["outer_closure"], required=False)
    land_fixed = forms.BooleanField(label=rules.REAL_ESTATE_TESTS["land_fixed"], required=False)
    usable_space = forms.BooleanField(label=rules.REAL_ESTATE_TESTS["usable_space"], required=False)

    def __init__(self, *args, tax_mode: str = "excluded", places=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tax_mode = tax_mode
        self.fields["region"].choices = [("", "—")] + [(code, label) for code, label, _cap in (places or [])]

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f) not in (None, "") for f in ("category", "description", "amount")):
            return cleaned
        if not cleaned.get("category"):
            self.add_error("category", _("Choose a category."))
        if cleaned.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Enter the amount."))
        for name, messages in {**rules.travel_line_errors(cleaned, self.tax_mode), **rules.building_line_errors(cleaned)}.items():
            if name not in self.errors:
                self.add_error(name, messages)
        return cleaned


ExpenseFormSet = forms.formset_factory(ExpenseLineForm, extra=2, max_num=40, validate_max=True)


class ReviewForm(forms.Form):
    review_score = inputs.DecimalField(label=_("Review score"), min_value=0, max_value=100, decimal_places=2)
    review_result = forms.ChoiceField(label=_("Review result"), choices=[("adopted", _("Adopted")), ("not_adopted", _("Not adopted"))])


class CompletionForm(forms.Form):
    completion_report = inputs.CharField(label=_("Completion report"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)


class CertifyForm(forms.Form):
    certified_on = forms.DateField(label=_("Certified on"), widget=forms.DateInput(attrs={"type": "date"}))


class SubmitForm(forms.Form):
    pledge = forms.BooleanField(
        label=_("I pledge that the business is none of the anti-social forces listed above."), required=False)


class StartForm(forms.Form):
    """Which classes of the record the applicant lets the form take (EU once-only style)."""

    def __init__(self, *args, offered: dict, rounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        for code, info in offered.items():
            if info["allowed"]:
                self.fields[f"class_{code}"] = forms.BooleanField(label=info["name"], required=False, initial=True)
        if rounds is not None:
            self.fields["subsidy_round"] = forms.ModelChoiceField(label=_("Round"), queryset=rounds, empty_label=None,
                                                                  error_messages={"required": _("Choose a round.")})
            # The frame chosen in the self-check wizard (a frame of the chosen round).
            self.fields["frame"] = inputs.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def chosen_frame(self):
        from .models import Frame

        frame_id = self.cleaned_data.get("frame")
        round_ = self.cleaned_data.get("subsidy_round")
        if not frame_id or round_ is None:
            return None
        return Frame.objects.filter(pk=frame_id, subsidy_round=round_).first()

    def accepted_classes(self) -> set[int]:
        return {int(n[6:]) for n, v in self.cleaned_data.items() if n.startswith("class_") and v}


class ReturnLineForm(forms.Form):
    """One line of a 差戻し: the field concerned and the reason (services.application_return
    checks the field against the application's own)."""

    field = forms.ChoiceField(label=_("Item"), required=False)
    reason = inputs.CharField(label=_("Reason"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, fields: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", "—"), *(fields or {}).items()]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason", "").strip() and not cleaned.get("field"):
            self.add_error("field", _("Choose the field the reason is about."))
        return cleaned


ReturnFormSet = forms.formset_factory(ReturnLineForm, extra=3, max_num=20)
