"""One input layer for every form and every request serializer (issue 12).

The walk: every form class of the project (the ModelForms built per record part included)
and every serializer the API reads a request with (the request of each operation in the
OpenAPI schema, nested serializers, list children, and every `XSerializer(data=...)` in the
code) is inspected field by field. A text or number field that is Django's or DRF's own
(`forms.IntegerField`, `serializers.CharField`, ...) instead of core.input's fails the test,
so a form or request serializer added later gets the input layer or this test says where not.

Then every such field is fed the values of issue 12 and must refuse them — ٣ (Arabic-Indic),
𐩀 (Kharoshthi), ², ①, NUL, a lone surrogate, 10^25, NaN, Infinity — while accepting what a
person in Japan types: full-width digits, full-width spaces around them, thousands
separators. Hypothesis adds generated non-ASCII decimal digits of every script.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import PolymorphicProxySerializer
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework import serializers

from core import input as inputs

PROJECT_APPS = ["core", "accounts", "companies", "consent", "institutions", "notifications", "applications",
                "documents", "disclosure", "programs", "recommend", "analytics", "linkage"]
ROOT = Path(settings.BASE_DIR)

# Values that must never reach a service as a number (issue 12, "45 server errors").
BAD_NUMBERS = ["٣", "𐩀", "²", "①", "½", "1\x00", "\x00", "1\ud800", str(10**25), "1e999999999", "NaN", "nan",
               "Infinity", "-Infinity", "12a"]
BAD_TEXT = ["a\x00b", "\x00", "a\ud800b", "\udfff", "a\x07b"]
RAW_FORM_FIELDS = (forms.CharField, forms.IntegerField, forms.DecimalField, forms.FloatField)
RAW_API_FIELDS = (serializers.CharField, serializers.IntegerField, serializers.DecimalField, serializers.FloatField)
INPUT_API_FIELDS = (inputs.ApiFieldMixin, inputs.ApiIntegerField, inputs.ApiDecimalField)


def _import_project() -> None:
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            importlib.import_module(info.name)


def _subclasses(base: type) -> set[type]:
    found, todo = set(), [base]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def _is_project(cls: type) -> bool:
    return cls.__module__.split(".")[0] in PROJECT_APPS


def project_form_classes() -> list[type]:
    _import_project()
    from companies.forms import part_form_class
    from companies.record import PARTS

    built = {part_form_class(part) for part in PARTS}  # built on demand by the record pages
    classes = {cls for cls in _subclasses(forms.BaseForm) if _is_project(cls) and not cls.__name__.startswith("_")}
    classes |= built
    return sorted(classes, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _form_fields(form_class: type) -> dict[str, forms.Field]:
    """The fields a form has: those of the class, and those its __init__ adds when it can be
    built without arguments."""
    try:
        return dict(form_class().fields)
    except Exception:  # noqa: BLE001 - a form that needs its page's arguments: the class fields (and the source scan)
        return dict(form_class.base_fields)


def _form_field_cases() -> list[tuple[str, forms.Field]]:
    return [(f"{cls.__module__}.{cls.__qualname__}.{name}", field)
            for cls in project_form_classes() for name, field in _form_fields(cls).items()]


def request_serializers() -> dict[str, object]:
    """Every serializer a request body is read with: the request of each operation of the
    schema and each `SomethingSerializer(data=...)` of the code."""
    found: dict[str, object] = {}
    generator = SchemaGenerator()
    generator.parse(None, public=True)  # sets each view's schema up as /api/schema/ does
    for path, path_regex, method, view in generator._get_paths_and_endpoints():
        if method not in ("POST", "PUT", "PATCH"):
            continue
        view.request = None
        view.schema.path, view.schema.path_regex, view.schema.method = path, path_regex, method
        view.schema.registry = generator.registry
        request = view.schema.get_request_serializer()
        for media, serializer in (request.items() if isinstance(request, dict) else [("json", request)]):
            if serializer is not None and not isinstance(serializer, (str, type(None))):
                found[f"{method} {path} ({media})"] = serializer
    _import_project()
    pattern = re.compile(r"\b(\w+Serializer)\(data=")
    for app in PROJECT_APPS:
        for source in (ROOT / app).rglob("*.py"):
            for name in set(pattern.findall(source.read_text(encoding="utf-8"))):
                module = importlib.import_module(".".join(source.relative_to(ROOT).with_suffix("").parts))
                if hasattr(module, name):
                    found[f"{module.__name__}.{name}(data=...)"] = getattr(module, name)
    return found


def _api_leaves(serializer, where: str) -> list[tuple[str, serializers.Field]]:
    """The fields of a serializer, nested serializers, list and dict children included."""
    if inspect.isclass(serializer):
        serializer = serializer()
    if isinstance(serializer, PolymorphicProxySerializer):
        subs = serializer.serializers.values() if isinstance(serializer.serializers, dict) else serializer.serializers
        return [leaf for sub in subs for leaf in _api_leaves(sub, where)]
    if isinstance(serializer, serializers.ListSerializer):
        return _api_leaves(serializer.child, where)
    if isinstance(serializer, serializers.Serializer):
        return [leaf for name, field in serializer.fields.items() if not field.read_only
                for leaf in _api_leaves(field, f"{where}.{name}")]
    if isinstance(serializer, (serializers.ListField, serializers.DictField)):
        return _api_leaves(serializer.child, f"{where}[]")
    return [(where, serializer)]


def _api_field_cases() -> list[tuple[str, serializers.Field]]:
    return [leaf for where, serializer in request_serializers().items() for leaf in _api_leaves(serializer, where)]


# --- the walk ------------------------------------------------------------------------------------


def test_the_walk_finds_the_forms_and_request_serializers():
    forms_found = {cls.__name__ for cls in project_form_classes()}
    assert {"JizokukaForm", "ExpenseLineForm", "DisclosureRequestForm", "IdentityForm", "ProfileForm",
            "BusinessSignupForm", "WageStep", "SupportRecordForm"} <= forms_found
    requests = request_serializers()
    assert any("partner/records" in key for key in requests), sorted(requests)
    assert any("disclosure-requests" in key for key in requests), sorted(requests)
    # the partner intake's records: a nested polymorphic list of 28 fields, each reached
    names = {where for where, _field in _api_field_cases()}
    assert any(where.endswith("records.sales") for where in names), sorted(names)


def test_every_form_field_for_text_or_numbers_is_the_input_layers():
    raw = [where for where, field in _form_field_cases()
           if isinstance(field, RAW_FORM_FIELDS) and not isinstance(field, inputs.InputFieldMixin)
           and not getattr(field, "input_guarded", False)]  # a third-party base's field, see core.input.guard_fields
    assert not raw, f"use core.input's fields (IntegerField, DecimalField, CharField, EmailField ...) in {raw}"


def test_no_form_module_builds_djangos_own_text_or_number_fields():
    """Fields built in a form's __init__ escape the class walk: the source is read instead."""
    pattern = re.compile(r"\bforms\.(Integer|Decimal|Float|Char|Email|URL|Slug|Regex)Field\(")
    offenders = [f"{path.relative_to(ROOT)}:{number}"
                 for app in PROJECT_APPS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if pattern.search(line)]
    assert not offenders, f"Django's own form fields instead of core.input's: {offenders}"


def test_every_request_field_for_text_or_numbers_is_the_input_layers():
    raw = [f"{where}: {type(field).__name__}" for where, field in _api_field_cases()
           if isinstance(field, RAW_API_FIELDS) and not isinstance(field, INPUT_API_FIELDS)]
    assert not raw, f"use core.input's ApiIntegerField / ApiCharField / ApiDecimalField in {raw}"


def test_model_forms_and_serializers_get_the_input_layer_by_default():
    from companies.forms import part_form_class
    from companies.models import FinancialYear

    form_class = part_form_class("financials")
    sales = form_class.base_fields["sales"]
    assert isinstance(sales, inputs.IntegerField)
    assert sales.max_value == inputs.column_range(FinancialYear, "sales")[1]

    class FinancialYearSerializer(inputs.InputModelSerializer):
        class Meta:
            model = FinancialYear
            fields = ["fiscal_year", "sales", "employees"]

    fields = FinancialYearSerializer().fields
    assert isinstance(fields["sales"], inputs.ApiIntegerField)
    assert fields["employees"].max_value == inputs.column_range(FinancialYear, "employees")[1]
    assert not FinancialYearSerializer(data={"fiscal_year": "２０２３", "sales": "٣", "employees": 1}).is_valid()
    assert FinancialYearSerializer(data={"fiscal_year": "２０２３", "sales": "　１２００ ", "employees": 1}).is_valid()


# --- what each field takes and refuses -----------------------------------------------------------


def _form_refuses(field: forms.Field, value) -> bool:
    try:
        field.clean(value)
    except ValidationError:
        return True
    return False


def _api_refuses(field: serializers.Field, value) -> bool:
    try:
        field.run_validation(value)
    except serializers.ValidationError:
        return True
    return False


def _numeric(field) -> bool:
    return isinstance(field, (forms.IntegerField, forms.DecimalField, serializers.IntegerField, serializers.DecimalField))


def _text(field) -> bool:
    return isinstance(field, (forms.CharField, serializers.CharField)) and not _numeric(field)


def test_issue_12_values_are_refused_by_every_form_field():
    cases = _form_field_cases()
    numbers = [(where, field) for where, field in cases if _numeric(field)]
    texts = [(where, field) for where, field in cases if _text(field)]
    assert len(numbers) > 30 and len(texts) > 30
    accepted = [f"{where} took {value!r}" for where, field in numbers for value in BAD_NUMBERS
                if not _form_refuses(field, value)]
    accepted += [f"{where} took {value!r}" for where, field in texts for value in BAD_TEXT
                 if not _form_refuses(field, value)]
    assert not accepted, accepted
    unbounded = [where for where, field in texts if field.max_length is None]
    assert not unbounded, f"text fields without a maximum length: {unbounded}"


def test_issue_12_values_are_refused_by_every_request_field():
    cases = _api_field_cases()
    numbers = [(where, field) for where, field in cases if _numeric(field)]
    texts = [(where, field) for where, field in cases if _text(field)]
    assert len(numbers) > 15 and len(texts) > 8
    accepted = [f"{where} took {value!r}" for where, field in numbers for value in [*BAD_NUMBERS, 10**25, float("nan")]
                if not _api_refuses(field, value)]
    accepted += [f"{where} took {value!r}" for where, field in texts for value in BAD_TEXT
                 if not _api_refuses(field, value)]
    assert not accepted, accepted
    unbounded = [where for where, field in texts if field.max_length is None]
    assert not unbounded, f"text fields without a maximum length: {unbounded}"


def _takes(field) -> int | None:
    """A small number the field accepts (within its bounds), or None."""
    low = getattr(field, "min_value", None)
    high = getattr(field, "max_value", None)
    for candidate in (12, 1, 2023):
        if (low is None or candidate >= low) and (high is None or candidate <= high):
            return candidate
    return None


def test_full_width_digits_spaces_and_separators_are_read_everywhere():
    fails = []
    for where, field in [*_form_field_cases(), *_api_field_cases()]:
        if not _numeric(field) or getattr(field, "disabled", False):
            continue
        number = _takes(field)
        if number is None:
            continue
        typed = str(number).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        for value in (typed, f"\u3000{typed}\u3000", f" {number} "):
            clean = field.clean if isinstance(field, forms.Field) else field.run_validation
            try:
                result = clean(value)
            except (ValidationError, serializers.ValidationError) as exc:
                fails.append(f"{where} refused {value!r}: {exc}")
                continue
            if result != number:
                fails.append(f"{where} read {value!r} as {result!r}")
    assert not fails, fails
    assert inputs.IntegerField(max_value=10**7).clean("１，２００") == 1200
    assert inputs.DecimalField(decimal_places=2).clean("１２．５") == Decimal("12.5")


def test_codes_take_full_width_digits_hyphens_and_spaces():
    from accounts.forms import BusinessSignupForm
    from disclosure.forms import DisclosureRequestForm

    assert DisclosureRequestForm.base_fields["corporate_number"].clean("７０００－０１２０－５０００２") == "7000012050002"
    assert DisclosureRequestForm.base_fields["corporate_number"].clean("7000 0120 50002") == "7000012050002"
    assert BusinessSignupForm.base_fields["corporate_number"].clean("７０００ー０１２０ー５０００２") == "7000012050002"
    assert _form_refuses(DisclosureRequestForm.base_fields["corporate_number"], "7000\x0012050002")


non_ascii_digits = st.characters(categories=("Nd",)).filter(lambda char: not char.isascii())
non_ascii_numbers = st.lists(st.one_of(non_ascii_digits, st.sampled_from("0123456789")), min_size=1, max_size=6).filter(
    lambda chars: any(not char.isascii() and char not in "０１２３４５６７８９" for char in chars)).map("".join)


@hypothesis_settings(max_examples=60, deadline=None, derandomize=True)
@given(value=non_ascii_numbers)
def test_digits_of_other_scripts_are_refused_by_every_number_field(value):
    """٣ is a digit to int() and 𐩀 to isdigit(): after NFKC only ASCII 0-9 count (full-width
    digits become ASCII under NFKC, so they are left out of the draw)."""
    for where, field in _NUMBER_FIELDS:
        refuses = _form_refuses if isinstance(field, forms.Field) else _api_refuses
        assert refuses(field, value), f"{where} took {value!r}"


_NUMBER_FIELDS: list = []


@pytest.fixture(autouse=True, scope="module")
def _number_fields():
    _NUMBER_FIELDS[:] = [(w, f) for w, f in [*_form_field_cases(), *_api_field_cases()] if _numeric(f)]
    yield
