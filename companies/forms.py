from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core import input as inputs

from .record import PARTS
from .reference import JSIC_MIDDLE, PREFECTURES


def part_form_class(part: str) -> type[inputs.ModelForm]:
    spec = PARTS[part]
    widgets = {"representative_birth_date": forms.DateInput(attrs={"type": "date"})}
    Meta = type("Meta", (), {"model": spec.model, "fields": list(spec.fields), "widgets": widgets})
    attrs: dict = {"Meta": Meta}
    if part == "identity":
        attrs["prefecture"] = forms.ChoiceField(label=_("prefecture"), choices=sorted(PREFECTURES.items()))
        attrs["industry_jsic"] = forms.ChoiceField(
            label=_("industry (JSIC middle class)"), required=False,
            choices=[("", "—")] + [(code, f"{code} {name}") for code, name in sorted(JSIC_MIDDLE.items())],
        )

    def clean(self):
        cleaned = forms.ModelForm.clean(self)
        for name, value in list(cleaned.items()):
            if isinstance(value, int) and not isinstance(value, bool) and value < 0 and name not in {
                "operating_profit", "ordinary_profit", "net_income", "net_assets",
            }:
                self.add_error(name, _("Enter an amount of zero or more."))
        return cleaned

    attrs["clean"] = clean
    attrs["__module__"] = __name__
    return type(f"{part.title()}Form", (inputs.ModelForm,), attrs)
