from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import input as inputs


class FavouriteForm(forms.Form):
    kind = forms.ChoiceField(choices=[("program", _("Program")), ("case_study", _("Case study"))])
    item_id = inputs.IntegerField(min_value=1)


class SavedSearchForm(forms.Form):
    name = inputs.CharField(label=pgettext_lazy("saved search", "Name"), max_length=100)
    querystring = inputs.CharField(required=False, max_length=2000)
    email_alerts = forms.BooleanField(label=_("E-mail me new matching programs"), required=False)


class SimulationForm(forms.Form):
    program = inputs.IntegerField(label=_("Program"), min_value=1)
