"""Form helpers shared by every app's views: the one way to show a service's refusal, on
the form it answers (add_errors_to_form) or, where the view redirects, as a message on the
next page (flash_errors)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django import forms
from django.contrib import messages
from django.forms.utils import ErrorDict
from django.http import HttpRequest
from django.utils.functional import Promise

Messages = str | Promise | Iterable[str | Promise]


def add_errors_to_form(form: forms.BaseForm, errors: Mapping[str, Messages]) -> None:
    """Put `errors` ({field: [messages]}, as ApplicationError and the rule errors carry them)
    on `form`: under the field where the form has one, else as a non-field error, so a
    message about a field the form does not show is still shown."""
    for name, texts in errors.items():
        target = name if name in form.fields else None
        for message in [texts] if isinstance(texts, str | Promise) else texts:
            form.add_error(target, str(message))


def flash_errors(request: HttpRequest, errors: Mapping[str, Messages] | ErrorDict) -> None:
    """Show `errors` ({field: [messages]}, a service's or a form's) as one error message on
    the next page, for a view that redirects (a button in a list, a step without a page of
    its own)."""
    texts = [str(message) for value in errors.values()
             for message in ([value] if isinstance(value, str | Promise) else value)]
    if texts:
        messages.error(request, " ".join(texts))
