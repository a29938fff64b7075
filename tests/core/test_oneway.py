"""One way for the small things: a service's errors reach a form through
core.forms.add_errors_to_form, and data classes, purposes and recipients are named from
the registry (scripts/lint_oneway.py refuses bare codes and hand-copied error loops)."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path

from django import forms

from consent import access, registry
from core.errors import ApplicationError
from core.forms import add_errors_to_form

ROOT = Path(__file__).resolve().parent.parent.parent


def _lint():
    spec = importlib.util.spec_from_file_location("lint_oneway", ROOT / "scripts" / "lint_oneway.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["lint_oneway"] = module
    spec.loader.exec_module(module)
    return module


def _codes(source: str) -> list[str]:
    lint = _lint()
    return [f.code for f in lint.check_source(textwrap.dedent(source), Path("x/views.py"), Path("x/views.py"))]


class _Form(forms.Form):
    name = forms.CharField()


def test_errors_land_on_their_field_or_on_the_form():
    form = _Form({"name": "x"})
    assert form.is_valid()
    error = ApplicationError(errors={"name": ["名前が重複しています。"], "secret_field": ["期限を過ぎています。"]})
    add_errors_to_form(form, error.errors)
    assert form.errors["name"] == ["名前が重複しています。"]
    # A field the form does not show still reaches the person, as a non-field error.
    assert form.non_field_errors() == ["期限を過ぎています。"]


def test_a_single_message_is_not_split_into_characters():
    form = _Form({"name": "x"})
    assert form.is_valid()
    add_errors_to_form(form, {"name": "短すぎます。"})
    assert form.errors["name"] == ["短すぎます。"]


def test_the_project_has_no_bare_codes_and_no_copied_error_loops():
    assert [str(f) for f in _lint().check()] == []


def test_bare_class_numbers_are_refused():
    assert _codes("for data_class in (8, 10):\n    pass\n") == ["NAM001"]
    assert _codes("decide(purpose=6, data_class=1, recipient=SUPPORT_INSTITUTIONS)\n") == ["NAM001", "NAM001"]
    assert _codes("request_create(data_classes=[1, 6])\n") == ["NAM001"]
    assert _codes("ok = data_class in {1, 6, 9, 10}\n") == ["NAM001"]
    assert _codes("shows = 1 in classes\n") == ["NAM001"]
    assert _codes("class M:\n    DATA_CLASSES = {'name': 2}\n") == ["NAM001"]
    assert _codes("class M:\n    DATA_CLASSES = {f: 3 for f in ['a']}\n") == ["NAM001"]
    assert _codes("decide(purpose=PURPOSE_CONSULTATION, data_class=IDENTITY)\n") == []
    assert _codes("for data_class in (IDENTITY, PROGRAM_USAGE):\n    pass\n") == []
    assert _codes("decide(data_class=1)  # lint-oneway: allow the table itself\n") == []


def test_hand_copied_error_loops_are_refused():
    source = """
    for name, errors in exc.errors.items():
        for error in errors:
            form.add_error(name if name in form.fields else None, error)
    """
    assert _codes(source) == ["FRM001"]
    every_message_as_non_field = """
    for errors in exc.errors.values():
        for error in errors:
            form.add_error(None, error)
    """
    assert _codes(every_message_as_non_field) == ["FRM001"]
    lint = _lint()
    assert lint.check_source(textwrap.dedent(source), Path("core/forms.py"), Path("core/forms.py")) == []


def test_hand_copied_error_flashes_are_refused():
    assert _codes('messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))\n') == ["FRM002"]
    assert _codes("for ms in exc.errors.values():\n    for m in ms:\n        messages.error(request, m)\n") == ["FRM002"]
    assert _codes("flash_errors(request, exc.errors)\n") == []
    assert _codes('messages.error(request, _("The change could not be read."))\n') == []


def test_the_names_are_the_table_codes():
    assert (registry.IDENTITY, registry.FINANCIALS, registry.APPLICATION_CONTENT, registry.PROGRAM_USAGE) == (1, 6, 8, 10)
    assert registry.ALL_DATA_CLASSES == tuple(range(1, 14))
    assert access.ALL_DATA_CLASSES is registry.ALL_DATA_CLASSES  # declared once
    assert (access.RESEARCHERS, access.SUPPORT_INSTITUTIONS, access.PUBLIC) == (4, 5, 8)
