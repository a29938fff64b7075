"""Input only: the grid form's values and the "as of" date of the history page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


def parse_purpose(value: str | None) -> int | None:
    """A purpose code 1-9 from a query or form value; anything else is the all-purposes view."""
    if value and value.isdigit() and 1 <= int(value) <= 9:
        return int(value)
    return None


def parse_allowed_keys(values: list[str]) -> set[tuple[int, int]]:
    """Ticked cells "class-recipient"; malformed values are ignored (the grid decides
    which cells may change at all)."""
    keys = set()
    for value in values:
        left, _sep, right = value.partition("-")
        if left.isdigit() and right.isdigit():
            keys.add((int(left), int(right)))
    return keys


class AsOfForm(forms.Form):
    on = forms.DateField(label=_("Show what was allowed on"), widget=forms.DateInput(attrs={"type": "date"}))
