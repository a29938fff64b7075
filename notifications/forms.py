from __future__ import annotations

from django import forms

from .models import Category


class MailPreferenceForm(forms.Form):
    program_alert = forms.BooleanField(label=Category.PROGRAM_ALERT.label, required=False)
    saved_search = forms.BooleanField(label=Category.SAVED_SEARCH.label, required=False)
    deadline = forms.BooleanField(label=Category.DEADLINE.label, required=False)
    digest = forms.BooleanField(label=Category.DIGEST.label, required=False)
