"""The one input layer: what the portal accepts from outside, for the API and the forms alike.

Every value from a request passes one of these before it reaches a service or the database:

- bodies: a size limit by kind (JSON, forms, uploads) checked from Content-Length before
  anything is read (`InputGuardMiddleware`, 413); JSON is parsed by `JSONParser` with a
  depth limit (413), no NaN/Infinity, numbers that fit a 64-bit column, and strings without
  NUL, other control characters or lone surrogates (400, naming the field);
- query strings and paths: the same character rules (400) before any view runs;
- single values: `parse_int` / `parse_decimal` / `clean_text` for code that reads raw
  values (views reading `request.GET`, CSV cells, partner records), and the form fields
  `IntegerField` / `DecimalField` / `CharField` below for forms. Digits are read after NFKC
  (so full-width １２ is 12) and only ASCII 0-9 count: `"²".isdigit()` and `"𐩀".isdigit()`
  are true, yet `int()` refuses them, and `"٣"` is a digit to `int()` that nobody in Japan
  means. Integers are bounded by the column they go to (`column_range`), decimals must be
  finite and within their digits.

Refusals are `InputRefused` (an ApplicationError with an HTTP status): the API answers in
the error shape of api.md, `{"errors": {field: [messages]}}`, translated; a page answers
with its form errors, or a short page for what no form can show (a body too large).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, NoReturn

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, parsers, serializers, status

from core.errors import ApplicationError

# A JSON body nests objects and lists at most this deep: every body of api.md needs 4.
MAX_JSON_DEPTH = 32
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
INT32_MAX = 2**31 - 1
# Longer digit strings are refused before int() sees them (Python refuses > 4300 itself).
_MAX_INT_DIGITS = 20

# C0 controls other than tab, line feed and carriage return; DEL; C1 controls.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_INT_RE = re.compile(r"[+-]?[0-9]+")
_DECIMAL_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


class InputRefused(ApplicationError):
    """Input the portal will not take: 400, or 413 for a body too large or too deep."""

    def __init__(self, errors: dict[str, list[str]], *, status_code: int = status.HTTP_400_BAD_REQUEST) -> None:
        super().__init__(errors=errors)
        self.status_code = status_code


class InputParseError(exceptions.ParseError):
    """The DRF form of InputRefused, raised inside parsers (DRF wraps other exceptions)."""

    def __init__(self, errors: dict[str, list[str]], *, status_code: int = status.HTTP_400_BAD_REQUEST) -> None:
        super().__init__(detail=errors)
        self.status_code = status_code
        self.errors = errors


# --- limits ---------------------------------------------------------------------------------


def json_body_limit() -> int:
    return int(settings.INPUT_MAX_JSON_BYTES)


def body_limit(content_type: str) -> int:
    """The largest body of this media type that the portal reads."""
    if content_type.startswith("multipart/form-data"):
        return int(settings.INPUT_MAX_UPLOAD_BYTES)
    if content_type.startswith("application/json") or content_type.endswith("+json"):
        return int(settings.INPUT_MAX_JSON_BYTES)
    return int(settings.INPUT_MAX_BODY_BYTES)


def column_range(model: type[Model], field_name: str) -> tuple[int, int]:
    """The values an integer column holds (PostgreSQL: smallint, integer, bigint, positive...)."""
    field = model._meta.get_field(field_name)
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    return (INT64_MIN if low is None else low, INT64_MAX if high is None else high)


# --- characters -----------------------------------------------------------------------------


def text_problem(value: str) -> str | None:
    """A translated message when `value` holds a character the portal refuses, else None."""
    if "\x00" in value:
        return _("Remove the NUL character from this value.")
    if _SURROGATE_RE.search(value):
        return _("This value has a broken character (a lone UTF-16 surrogate). Send valid Unicode text.")
    match = _CONTROL_RE.search(value)
    if match:
        return _("Remove the control character U+%(code)s from this value.") % {"code": f"{ord(match.group(0)):04X}"}
    return None


def clean_text(value: Any, *, field: str = "non_field_errors", max_length: int | None = None) -> str:
    """A string as the portal stores it, or InputRefused naming `field`."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputRefused({field: [_("Send this value as text.")]})
    problem = text_problem(value)
    if problem:
        raise InputRefused({field: [problem]})
    if max_length is not None and len(value) > max_length:
        raise InputRefused({field: [_("Use at most %(limit)d characters.") % {"limit": max_length}]})
    return value


# --- numbers --------------------------------------------------------------------------------


def has_number_forms(text: str) -> bool:
    """True when `text` holds a sign that only looks like a digit: superscripts (²),
    circled (①), fractions (½), other scripts' counting signs (𐩀) — Unicode category No."""
    return any(unicodedata.category(char) == "No" for char in text)


def ascii_digits(value: Any) -> str:
    """The value after NFKC with surrounding spaces removed (full-width １２ → 12). A value
    with number forms (², ①) is returned as it is, so that the ASCII check refuses it:
    NFKC would turn ² into 2, and nobody who typed ² meant 2."""
    text = str(value)
    if has_number_forms(text):
        return text.strip()
    return unicodedata.normalize("NFKC", text).strip()


def parse_int(value: Any, *, field: str = "non_field_errors", minimum: int = INT64_MIN,
              maximum: int = INT64_MAX) -> int:
    """A whole number from JSON or text: after NFKC only ASCII digits (and a sign) count.

    Raises InputRefused (400) naming `field` for anything else or out of [minimum, maximum].
    """
    if isinstance(value, bool):
        raise InputRefused({field: [_("Enter a whole number.")]})
    if isinstance(value, int):
        number = value
    else:
        if not isinstance(value, str):
            raise InputRefused({field: [_("Enter a whole number.")]})
        text = ascii_digits(value)
        if not _INT_RE.fullmatch(text) or len(text.lstrip("+-")) > _MAX_INT_DIGITS:
            raise InputRefused({field: [_("Enter a whole number in the digits 0-9.")]})
        number = int(text)
    if not minimum <= number <= maximum:
        raise InputRefused({field: [_("Enter a whole number from %(minimum)s to %(maximum)s.")
                                    % {"minimum": minimum, "maximum": maximum}]})
    return number


def parse_int_or_none(value: Any, *, minimum: int = INT64_MIN, maximum: int = INT64_MAX) -> int | None:
    """parse_int for values where anything unreadable means "not given" (query filters)."""
    try:
        return parse_int(value, minimum=minimum, maximum=maximum)
    except InputRefused:
        return None


def parse_decimal(value: Any, *, field: str = "non_field_errors", minimum: Decimal | None = None,
                  maximum: Decimal | None = None, max_digits: int = 18, decimal_places: int | None = None) -> Decimal:
    """A finite decimal: no NaN, no Infinity, at most `max_digits` digits before rounding and
    within [minimum, maximum]. Exponents are read (1e3), but 1e30 has too many digits."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise InputRefused({field: [_("Enter a number.")]})
    text = ascii_digits(value) if not isinstance(value, Decimal) else str(value)
    if not _DECIMAL_RE.fullmatch(text) or len(text) > 64:
        raise InputRefused({field: [_("Enter a number.")]})
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise InputRefused({field: [_("Enter a number.")]}) from None
    if not number.is_finite():
        raise InputRefused({field: [_("Enter a number.")]})
    sign, digits, exponent = number.as_tuple()
    whole_digits = max(len(digits) + exponent, 0) if isinstance(exponent, int) else 0
    if whole_digits > max_digits - (decimal_places or 0):
        raise InputRefused({field: [_("Enter a number with at most %(digits)d digits before the decimal point.")
                                    % {"digits": max_digits - (decimal_places or 0)}]})
    if decimal_places is not None and isinstance(exponent, int) and -exponent > decimal_places:
        raise InputRefused({field: [_("Enter at most %(places)d digits after the decimal point.")
                                    % {"places": decimal_places}]})
    if minimum is not None and number < minimum or maximum is not None and number > maximum:
        raise InputRefused({field: [_("Enter a number from %(minimum)s to %(maximum)s.")
                                    % {"minimum": minimum, "maximum": maximum}]})
    return number


# --- JSON -----------------------------------------------------------------------------------


def _path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]" if parent else f"[{key}]"
    return f"{parent}.{key}" if parent else key


def check_json_tree(data: Any) -> None:
    """Walk a parsed JSON value without recursion: depth, strings and numbers (InputRefused)."""
    stack: list[tuple[Any, str, int]] = [(data, "", 1)]
    while stack:
        value, where, depth = stack.pop()
        field = where or "non_field_errors"
        if isinstance(value, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                raise InputRefused({field: [_("The JSON body nests deeper than %(depth)d levels.") % {"depth": MAX_JSON_DEPTH}]},
                                   status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
            if isinstance(value, dict):
                for key, item in value.items():
                    problem = text_problem(key)
                    if problem:
                        raise InputRefused({field: [problem]})
                    stack.append((item, _path(where, key), depth + 1))
            else:
                stack.extend((item, _path(where, index), depth + 1) for index, item in enumerate(value))
        elif isinstance(value, str):
            problem = text_problem(value)
            if problem:
                raise InputRefused({field: [problem]})
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int):
            if not INT64_MIN <= value <= INT64_MAX:
                raise InputRefused({field: [_("This number is too large.")]})
        elif isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")):
                raise InputRefused({field: [_("Enter a finite number.")]})


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"non-finite number {name}")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_INT_DIGITS:
        raise ValueError("integer too long")
    return int(text)


def _finite_float(text: str) -> float:
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise ValueError("number out of range")
    return number


def loads(raw: bytes | str) -> Any:
    """Parse a JSON document under the rules above; InputRefused for anything else."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputRefused({"non_field_errors": [_("Send the body as UTF-8 encoded JSON.")]}) from None
    else:
        text = raw
    try:
        data = json.loads(text, parse_constant=_refuse_constant, parse_int=_bounded_int, parse_float=_finite_float)
    except RecursionError:
        raise InputRefused({"non_field_errors": [_("The JSON body nests deeper than %(depth)d levels.") % {"depth": MAX_JSON_DEPTH}]},
                           status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE) from None
    except ValueError as exc:
        raise InputRefused({"non_field_errors": [_("The body is not valid JSON (%(reason)s).") % {"reason": str(exc)[:120]}]}) from None
    check_json_tree(data)
    return data


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser under the input rules: size, depth, numbers and characters."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        limit = json_body_limit()
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise InputParseError(_too_large_errors(limit), status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        try:
            return loads(raw)
        except InputRefused as exc:
            raise InputParseError(exc.errors, status_code=exc.status_code) from None


# --- requests ---------------------------------------------------------------------------


def is_api_path(path: str) -> bool:
    return path.startswith("/api/")


def _too_large_errors(limit: int) -> dict[str, list[str]]:
    return {"non_field_errors": [_("The request body is too large (at most %(megabytes)s MB).")
                                 % {"megabytes": f"{limit / (1024 * 1024):g}"}]}


def refusal_response(request: HttpRequest, errors: dict[str, list[str]], status_code: int) -> HttpResponse:
    """JSON in the API's error shape for API paths, a short translated page otherwise."""
    if is_api_path(request.path_info):
        return JsonResponse({"errors": errors}, status=status_code, json_dumps_params={"ensure_ascii": False})
    messages = [message for values in errors.values() for message in values]
    html = render_to_string("input_refused.html", {"messages": messages, "status_code": status_code}, request=request)
    return HttpResponse(html, status=status_code)


class InputGuardMiddleware:
    """Refuses, before any view reads it, a body larger than its kind allows (413) and a
    path or query string with NUL, control characters or broken text (400)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        refusal = self.refusal(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)

    def refusal(self, request: HttpRequest) -> HttpResponse | None:
        raw_length = request.META.get("CONTENT_LENGTH")
        if raw_length:  # no body (most GETs): no limit to look up (issue 16)
            try:
                length = int(raw_length)
            except ValueError:
                return refusal_response(request, {"non_field_errors": [_("The Content-Length header is not a number.")]}, 400)
            limit = body_limit(request.META.get("CONTENT_TYPE", "") or "")
            if length > limit:
                return refusal_response(request, _too_large_errors(limit), status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        problem = text_problem(request.path_info)
        if problem:
            return refusal_response(request, {"path": [problem]}, 400)
        if not request.META.get("QUERY_STRING"):
            return None
        for key, values in request.GET.lists():
            for text in (key, *values):
                problem = text_problem(text)
                if problem:
                    return refusal_response(request, {clean_key(key): [problem]}, 400)
        return None


def clean_key(key: str) -> str:
    """A field name safe to echo back in an error (control characters dropped)."""
    return _SURROGATE_RE.sub("", _CONTROL_RE.sub("", key))[:100] or "query"


# --- form fields ----------------------------------------------------------------------------


if TYPE_CHECKING:
    _FieldBase = forms.Field
else:
    _FieldBase = object


class InputFieldMixin(_FieldBase):
    """Refuses NUL, control characters and lone surrogates in a form field's raw value."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                raise ValidationError(problem, code="invalid_character")
        return super().to_python(value)


class IntegerField(InputFieldMixin, forms.IntegerField):
    """Digits after NFKC, ASCII only; bounded to a 64-bit column unless narrower bounds are given."""

    default_error_messages = {"invalid": gettext_lazy("Enter a whole number in the digits 0-9.")}

    def __init__(self, *, min_value: int | None = None, max_value: int | None = None, **kwargs: Any) -> None:
        super().__init__(min_value=INT64_MIN if min_value is None else min_value,
                         max_value=INT64_MAX if max_value is None else max_value, **kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = ascii_digits(value)
            if value and not _INT_RE.fullmatch(value.replace(",", "")):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            value = value.replace(",", "")
            if len(value.lstrip("+-")) > _MAX_INT_DIGITS:
                raise ValidationError(_("Enter a whole number from %(minimum)s to %(maximum)s.")
                                      % {"minimum": self.min_value, "maximum": self.max_value}, code="max_value")
        return super().to_python(value)


class DecimalField(InputFieldMixin, forms.DecimalField):
    """Finite and within its digits (Django's own field refuses NaN and Infinity; the
    digits bound keeps 1e999999999 from reaching arithmetic)."""

    def __init__(self, *, max_digits: int = 18, decimal_places: int | None = None, **kwargs: Any) -> None:
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = ascii_digits(value).replace(",", "")
            if value and not _DECIMAL_RE.fullmatch(value):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


# Free text without a limit of its own is cut at this many characters (about twenty A4 pages
# of Japanese): no field of the portal needs more, and a body limit alone lets 2 MB through.
TEXT_MAX = 10_000
# Hyphens and dashes people type between digit groups (full-width, minus sign, katakana ー).
HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d\uff70\u30fc"
_CODE_SEPARATORS_RE = re.compile(f"[\\s{re.escape(HYPHENS)}]")


def normalise_text(value: str, *, nfkc: bool = False, code: bool = False) -> str:
    """NFKC when asked (full-width ＡＢＣ１２３ → ABC123, half-width ｶﾅ → カナ); a `code`
    (corporate number, postcode) also loses the spaces and hyphens between its digit groups."""
    if nfkc or code:
        value = unicodedata.normalize("NFKC", value)
    if code:
        value = _CODE_SEPARATORS_RE.sub("", value)
    return value


class CharField(InputFieldMixin, forms.CharField):
    """Text without NUL, control characters or lone surrogates, at most `max_length`
    (TEXT_MAX unless given). `nfkc=True` normalises (a phone number typed in full-width);
    `code=True` also drops spaces and hyphens (法人番号 1234-5678-9012-3)."""

    def __init__(self, *, max_length: int | None = None, nfkc: bool = False, code: bool = False, **kwargs: Any) -> None:
        self.nfkc, self.code = nfkc, code
        super().__init__(max_length=TEXT_MAX if max_length is None else max_length, **kwargs)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if isinstance(value, str):
            value = normalise_text(value, nfkc=self.nfkc, code=self.code)
        return value

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if self.code:  # the browser must let a person type the hyphens that are dropped here
            attrs.pop("maxlength", None)
            attrs.pop("minlength", None)
        return attrs


class EmailField(InputFieldMixin, forms.EmailField):
    """An e-mail address typed in full-width (ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ) is read after NFKC."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


class URLField(InputFieldMixin, forms.URLField):
    pass


def formfield_for(model_field: Any, **kwargs: Any) -> Any:
    """ModelForm's `formfield_callback`: the input layer's fields for text and numbers,
    integers bounded by their column."""
    from django.db import models

    if model_field.choices or isinstance(model_field, (models.AutoField, models.ForeignKey)):
        return model_field.formfield(**kwargs)
    if isinstance(model_field, models.IntegerField):
        low, high = connection.ops.integer_field_range(model_field.get_internal_type())
        kwargs.setdefault("min_value", INT64_MIN if low is None else low)
        kwargs.setdefault("max_value", INT64_MAX if high is None else high)
        return model_field.formfield(form_class=IntegerField, **kwargs)
    if isinstance(model_field, models.DecimalField):
        return model_field.formfield(form_class=DecimalField, **kwargs)
    if isinstance(model_field, models.EmailField):
        return model_field.formfield(form_class=EmailField, **kwargs)
    if isinstance(model_field, models.URLField):
        return model_field.formfield(form_class=URLField, **kwargs)
    if isinstance(model_field, (models.CharField, models.TextField)):
        return model_field.formfield(form_class=CharField, **kwargs)
    return model_field.formfield(**kwargs)


class _InputModelFormMetaclass(forms.models.ModelFormMetaclass):
    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        meta = attrs.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = staticmethod(formfield_for)
        return super().__new__(mcs, name, bases, attrs)


def refuse_bad_characters(value: Any) -> None:
    """A validator with the input layer's character rule, for fields not built here."""
    if isinstance(value, str) and (problem := text_problem(value)):
        raise ValidationError(problem, code="invalid_character")


def guard_fields(form: forms.BaseForm) -> None:
    """Text fields a form inherits from a third-party base (allauth's sign-up: e-mail,
    passwords) get the input layer's character rule and a length limit. They are marked
    `input_guarded` for tests/core/test_input_layer.py."""
    from django.core.validators import MaxLengthValidator

    for field in form.fields.values():
        if isinstance(field, forms.CharField) and not isinstance(field, InputFieldMixin):
            field.validators.append(refuse_bad_characters)
            if field.max_length is None:
                field.max_length = TEXT_MAX
                field.validators.append(MaxLengthValidator(TEXT_MAX))
            field.input_guarded = True  # type: ignore[attr-defined]


class ModelForm(forms.ModelForm, metaclass=_InputModelFormMetaclass):  # type: ignore[type-arg]  # not subscriptable at run time
    """The base of every ModelForm of the project: the fields it generates from model fields
    are the input layer's (whatever its own Meta says), integers bounded by their column."""


# --- serializer fields (the API's request bodies) ---------------------------------------------


class ApiFieldMixin:
    """Refuses NUL, control characters and lone surrogates in a request value (the JSON parser
    does too; a serializer fed from elsewhere, a form body or a test, must not depend on it)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str):
            problem = text_problem(data)
            if problem:
                raise exceptions.ValidationError(problem, code="invalid_character")
        return super().to_internal_value(data)  # type: ignore[misc]  # a mixin for DRF fields


def _api_refusal(exc: InputRefused) -> exceptions.ValidationError:
    return exceptions.ValidationError([message for messages in exc.errors.values() for message in messages])


class ApiCharField(ApiFieldMixin, serializers.CharField):
    """DRF's CharField under the input rules; at most TEXT_MAX characters unless given."""

    def __init__(self, *, nfkc: bool = False, code: bool = False, **kwargs: Any) -> None:
        self.nfkc, self.code = nfkc, code
        kwargs.setdefault("max_length", TEXT_MAX)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        return normalise_text(value, nfkc=self.nfkc, code=self.code)


class ApiEmailField(ApiFieldMixin, serializers.EmailField):
    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str):
            data = unicodedata.normalize("NFKC", data)
        return super().to_internal_value(data)


class ApiIntegerField(serializers.IntegerField):
    """A whole number from JSON or text: after NFKC only ASCII digits (DRF's own field takes
    ٣ as 3), bounded to a 64-bit column unless narrower bounds are given."""

    def __init__(self, **kwargs: Any) -> None:
        if kwargs.get("min_value") is None:
            kwargs["min_value"] = INT64_MIN
        if kwargs.get("max_value") is None:
            kwargs["max_value"] = INT64_MAX
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, float) and data.is_integer():
            data = int(data)
        if isinstance(data, str) and (problem := text_problem(data)):
            raise exceptions.ValidationError(problem, code="invalid_character")
        try:
            return parse_int(data, field="value")
        except InputRefused as exc:
            raise _api_refusal(exc) from None


class ApiDecimalField(serializers.DecimalField):
    """A finite decimal within its digits, read like parse_decimal (NFKC, ASCII digits)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and (problem := text_problem(data)):
            raise exceptions.ValidationError(problem, code="invalid_character")
        if isinstance(data, float):
            data = str(data)
        try:
            number = parse_decimal(data, field="value", max_digits=self.max_digits or 18)
        except InputRefused as exc:
            raise _api_refusal(exc) from None
        return super().to_internal_value(number)


def _input_mapping(mapping: dict[Any, Any]) -> dict[Any, Any]:
    """DRF's model-field → serializer-field map with the input layer's fields."""
    def swap(field: Any) -> Any:
        if isinstance(field, type) and issubclass(field, serializers.IntegerField):
            return ApiIntegerField
        return {serializers.CharField: ApiCharField, serializers.DecimalField: ApiDecimalField,
                serializers.EmailField: ApiEmailField}.get(field, field)
    return {model_field: swap(field) for model_field, field in mapping.items()}


class InputSerializerMixin:
    """For ModelSerializers: the fields it builds from model fields are the input layer's
    (integers keep the column bounds DRF reads from the model field's validators)."""

    serializer_field_mapping = _input_mapping(serializers.ModelSerializer.serializer_field_mapping)


class InputModelSerializer(InputSerializerMixin, serializers.ModelSerializer[Any]):
    pass
