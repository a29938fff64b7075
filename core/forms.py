"""Form helpers shared by every app's views: the one way to show a service's refusal on a form."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django import forms
from django.utils.functional import Promise

Messages = str | Promise | Iterable[str | Promise]


def add_errors_to_form(form: forms.BaseForm, errors: Mapping[str, Messages]) -> None:
    """Put `errors` ({field: [messages]}, as ApplicationError and the rule errors carry them)
    on `form`: under the field where the form has one, else as a non-field error, so a
    message about a field the form does not show is still shown."""
    for name, messages in errors.items():
        target = name if name in form.fields else None
        for message in [messages] if isinstance(messages, str | Promise) else messages:
            form.add_error(target, str(message))
