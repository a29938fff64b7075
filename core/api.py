"""API plumbing shared by every app: the error shape of api.md and base views."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError
from core.input import InputParseError, InputRefused


def _messages(detail: object) -> list[str]:
    """Flatten DRF's nested error detail (a ListField's {index: [...]}, a nested
    serializer's {field: [...]}) into plain messages, never a repr of the structure."""
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _messages(value)]
    if isinstance(detail, (list, tuple)):
        return [message for value in detail for message in _messages(value)]
    return [str(detail)]


def _as_error_dict(detail: object) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(key): _messages(value) for key, value in detail.items()}
    return {"non_field_errors": _messages(detail)}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """400, 413, 415 → {"errors": {field: [messages]}}; 401/403/404/405 → {"detail": message}.

    404 is also what a caller gets for an object that exists but is not theirs.
    """
    if isinstance(exc, InputRefused):
        return Response({"errors": exc.errors}, status=exc.status_code)
    if isinstance(exc, InputParseError):
        return Response({"errors": exc.errors}, status=exc.status_code)
    if isinstance(exc, ApplicationError):
        return Response({"errors": exc.errors}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response({"errors": detail}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(_("You are not allowed to do this."))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"errors": _as_error_dict(exc.detail)}
    elif isinstance(exc, exceptions.ParseError):
        # Another parser's refusal (a broken multipart body): the error shape, translated.
        response.data = {"errors": {"non_field_errors": [_("The request body could not be read.")]}}
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        response.data = {"errors": {"non_field_errors": [
            _("Send the body as application/json (or a form where the endpoint takes files).")]}}
    return response
