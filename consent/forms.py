"""Input only: the grid form's values and the "as of" date of the history page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.input import parse_int_or_none


def parse_purpose(value: str | None) -> int | None:
    """A purpose code 1-9 from a query or form value; anything else is the all-purposes view."""
    return parse_int_or_none(value, minimum=1, maximum=9) if value else None


def parse_allowed_keys(values: list[str]) -> set[tuple[int, int]]:
    """Ticked cells "class-recipient"; malformed values are ignored (the grid decides
    which cells may change at all)."""
    keys = set()
    for value in values:
        left, _sep, right = value.partition("-")
        data_class, recipient = parse_int_or_none(left, minimum=1, maximum=99), parse_int_or_none(right, minimum=1, maximum=99)
        if data_class is not None and recipient is not None:
            keys.add((data_class, recipient))
    return keys


class AsOfForm(forms.Form):
    on = forms.DateField(label=_("Show what was allowed on"), widget=forms.DateInput(attrs={"type": "date"}))
