"""Form fields after the Digital Agency design system: label (with ※必須), support text,
input, error text, and a character counter where the field has a length limit.

    {% load portal_forms %}{% form_field form.name %}
    {% field_input form.name %}   the widget alone, wired to its texts (aria-describedby)
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


def _ids(field: BoundField) -> dict[str, str]:
    base = field.auto_id or field.html_name
    return {"help": f"{base}_helptext", "errors": f"{base}_errors", "counter": f"{base}_counter"}


def max_length_of(field: BoundField) -> int | None:
    limit = getattr(field.field, "max_length", None)
    return int(limit) if limit else None


@register.simple_tag
def field_input(field: BoundField, extra_describedby: str = "") -> SafeString:
    """The widget with aria-describedby (support text, errors, counter), aria-invalid,
    aria-required and maxlength, so that a screen reader reads what a sighted user sees."""
    ids = _ids(field)
    described = []
    if field.help_text:
        described.append(ids["help"])
    if extra_describedby:
        described.append(extra_describedby)
    if field.errors:
        described.append(ids["errors"])
    limit = max_length_of(field)
    widget = field.field.widget
    attrs: dict[str, str | bool] = {}
    if limit and isinstance(widget, forms.TextInput | forms.Textarea | forms.EmailInput):
        attrs["maxlength"] = str(limit)
        attrs["data-counter"] = ids["counter"]
        described.append(ids["counter"])
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if field.field.required and not isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        attrs["aria-required"] = "true"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def field_meta(field: BoundField) -> dict[str, Any]:
    """Ids of the field's texts and its length limit, for components/field.html."""
    return {**_ids(field), "max_length": max_length_of(field)}


@register.inclusion_tag("components/field.html")
def form_field(field: BoundField, support: str = "") -> dict[str, Any]:
    return {"field": field, "support": support}
