from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core import input as inputs

from .models import Institution


class ProfileForm(inputs.ModelForm):
    class Meta:
        model = Institution
        fields = ["municipality", "services", "qualifications", "specialties", "description", "certification_id", "website"]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in ["services", "qualifications", "description"]}
        help_texts = {"specialties": _("Separate specialties with commas.")}


class SupportRecordForm(forms.Form):
    business = forms.TypedChoiceField(label=_("Company"), coerce=int)
    supported_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    theme = inputs.CharField(label=_("Theme"), max_length=100)
    summary = inputs.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, businesses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business"].choices = [(b.pk, b.name) for b in businesses]
