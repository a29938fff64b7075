"""Widgets that render cheaply on hot public pages.

Django renders a <select> through a template per option: the 100-odd industries and 47
prefectures of the catalogue's filter form cost a third of the search page. CachedSelect
renders the options once per language and choice set (escaped), and marks the chosen
value on a copy; the markup is the same as Django's Select.
"""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

_OPTIONS: dict[tuple, str] = {}
_MAX_ENTRIES = 256


class CachedSelect(forms.Select):
    """`cache_key` names a choice set that never changes while the process runs (reference
    codes, model choices): its options are then found without looking at the choices."""

    def __init__(self, attrs=None, choices=(), *, cache_key: str = ""):
        super().__init__(attrs, choices)
        self.cache_key = cache_key

    def _options_html(self) -> str | None:
        html = _OPTIONS.get((get_language(), self.cache_key)) if self.cache_key else None
        if html is not None:
            return html
        choices = list(self.choices)
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return None  # option groups: Django's own rendering
        key = (get_language(), self.cache_key or tuple("" if v is None else str(v) for v, _label in choices))
        html = _OPTIONS.get(key)
        if html is None:
            html = "".join(
                f'<option value="{escape("" if v is None else v)}">{escape(label)}</option>' for v, label in choices
            )
            if len(_OPTIONS) < _MAX_ENTRIES:
                _OPTIONS[key] = html
        return html

    def render(self, name, value, attrs=None, renderer=None):
        options = self._options_html()
        if options is None or self.allow_multiple_selected:
            return super().render(name, value, attrs, renderer)
        selected = self.format_value(value)
        chosen = selected[0] if selected else ""
        marker = f'<option value="{escape(chosen)}">'
        if marker in options:
            options = options.replace(marker, f'<option value="{escape(chosen)}" selected>', 1)
        final_attrs = self.build_attrs(self.attrs, attrs)
        return mark_safe(f'<select name="{escape(name)}"{flatatt(final_attrs)}>{options}</select>')
