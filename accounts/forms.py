"""Input forms of accounts. They validate input only; the services write."""

from __future__ import annotations

from allauth.account.forms import SignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from companies.models import Business
from companies.reference import PREFECTURE_CHOICES
from companies.validators import is_valid_corporate_number, normalise_corporate_number
from core import input as inputs

from .selectors import corporate_number_taken


class BusinessSignupForm(SignupForm):
    """allauth's e-mail + password sign-up, plus the business the account acts for.

    The account starts as gBizID Entry; the business is written by
    accounts.services.business_register in the same transaction as the user
    (see accounts.views.BusinessSignupView)."""

    corp_type = forms.TypedChoiceField(
        label=_("Type of business"), coerce=int, widget=forms.RadioSelect,
        choices=[(Business.CorpType.CORPORATION, _("Corporation (法人)")),
                 (Business.CorpType.SOLE_PROPRIETOR, _("Sole proprietor (個人事業主)"))],
        initial=Business.CorpType.CORPORATION,
    )
    corporate_number = inputs.CharField(
        label=_("Corporate number"), required=False, max_length=20, code=True,
        help_text=_("13 digits, for a corporation only. It is checked as you type."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "data-corporate-number": "1"}),
    )
    name = inputs.CharField(label=_("Business name"), max_length=200,
                           help_text=_("A sole proprietor enters the trade name or their own name."))
    prefecture = forms.ChoiceField(label=_("Prefecture"), choices=[("", _("Choose a prefecture"))] + PREFECTURE_CHOICES)
    representative_name = inputs.CharField(label=_("Representative"), max_length=100)

    field_order = ["email", "password1", "password2", "corp_type", "corporate_number", "name", "prefecture", "representative_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        inputs.guard_fields(self)  # allauth's e-mail and password fields: the input layer's character rule

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("corp_type") == Business.CorpType.CORPORATION:
            number = normalise_corporate_number(cleaned.get("corporate_number", ""))
            if not number:
                self.add_error("corporate_number", _("Enter the corporate number of your corporation."))
            elif len(number) != 13 or not number.isdigit():
                self.add_error("corporate_number", _("A corporate number is 13 digits."))
            elif not is_valid_corporate_number(number):
                self.add_error("corporate_number", _("This corporate number's check digit is wrong. Please check the number."))
            elif corporate_number_taken(number):
                self.add_error("corporate_number", _("A business with this corporate number is already registered."))
            else:
                cleaned["corporate_number"] = number
        else:
            cleaned["corporate_number"] = ""
        return cleaned

    def business_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "corp_type": data["corp_type"], "corporate_number": data["corporate_number"], "name": data["name"],
            "prefecture": data["prefecture"], "representative_name": data["representative_name"],
        }


class MemberAddForm(forms.Form):
    email = inputs.EmailField(label=_("E-mail address of the member"))
    full_name = inputs.CharField(label=_("Full name"), max_length=100)
    can_draft_applications = forms.BooleanField(label=_("May draft applications"), required=False)
    can_edit_record = forms.BooleanField(label=_("May edit the business record"), required=False)


class MemberPermissionsForm(forms.Form):
    can_draft_applications = forms.BooleanField(label=_("May draft applications"), required=False)
    can_edit_record = forms.BooleanField(label=_("May edit the business record"), required=False)


class ApiTokenForm(forms.Form):
    name = inputs.CharField(label=_("Name of the token"), max_length=100,
                           help_text=_("Where you use it, e.g. the name of your accounting software."))
    days = forms.TypedChoiceField(label=_("Valid for"), coerce=int, initial=90,
                                  choices=[(30, _("30 days")), (90, _("90 days")), (365, _("1 year"))])
