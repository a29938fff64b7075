"""Input forms of the disclosure pages (input only: the services decide)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from consent.access import PURPOSE_CONSULTATION
from core import input as inputs

from .labels import DATA_CLASS_NAMES, PURPOSE_NAMES
from .services import requestable_classes, requestable_purposes


class DisclosureRequestForm(forms.Form):
    corporate_number = inputs.CharField(
        label=_("Corporate number (13 digits)"), max_length=13, min_length=13, required=False, code=True,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    handle = inputs.CharField(widget=forms.HiddenInput, required=False)
    purpose = forms.TypedChoiceField(label=_("Purpose"), coerce=int)
    data_classes = forms.TypedMultipleChoiceField(label=_("Data classes requested"), coerce=int,
                                                  widget=forms.CheckboxSelectMultiple)
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text=_("The approval ends at the end of this day."))
    message = inputs.CharField(label=_("Message to the company"), widget=forms.Textarea(attrs={"rows": 4}),
                              required=False, max_length=2000,
                              help_text=_("Say who you are and why you ask; the company decides on this basis."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        purposes = requestable_purposes()
        cast(forms.ChoiceField, self.fields["purpose"]).choices = [(p, PURPOSE_NAMES[p]) for p in purposes]
        self.fields["purpose"].initial = PURPOSE_CONSULTATION if PURPOSE_CONSULTATION in purposes else (purposes[0] if purposes else None)
        classes = sorted({c for p in purposes for c in requestable_classes(p)})
        cast(forms.ChoiceField, self.fields["data_classes"]).choices = [(c, f"{c}. {DATA_CLASS_NAMES[c]}") for c in classes]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if not cleaned.get("handle") and not cleaned.get("corporate_number"):
            self.add_error("corporate_number", _("Enter the company's corporate number."))
        return cleaned


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", pgettext_lazy("disclosure request", "Reject"))], widget=forms.RadioSelect,
                                 label=_("Your answer"))
    data_classes = forms.TypedMultipleChoiceField(label=_("Classes you approve"), coerce=int, required=False,
                                                  widget=forms.CheckboxSelectMultiple)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, requested: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["data_classes"]).choices = [(c, f"{c}. {DATA_CLASS_NAMES[c]}") for c in requested]
        self.fields["data_classes"].initial = list(requested)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("decision") == "approve" and not cleaned.get("data_classes"):
            self.add_error("data_classes", _("Choose at least one class to approve, or reject the request."))
        return cleaned
