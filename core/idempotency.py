"""Idempotency-Key for every state-changing API call (api.md, "Writes").

A POST/PUT/PATCH/DELETE under /api/ with an `Idempotency-Key` header runs, for its caller
and key, at most once:

- the first call runs inside one transaction that holds an advisory lock on (caller, key);
  a successful (2xx) answer is stored in that same transaction, so the write and its
  stored answer commit together or not at all;
- a retry with the same key and the same method, path, query and body gets the stored
  answer (header `Idempotent-Replayed: true`) and runs nothing; a concurrent retry waits
  for the first call's lock and then gets its answer;
- the same key with anything else is refused: 422 in the error shape (the IETF
  Idempotency-Key draft's status for a reused key), as the partner intake always did;
- a refusal (4xx) is not stored, so the caller may correct the body and send it again
  with the same key; a 5xx rolls the whole call back.

The caller is the credential sent (a hash of the Authorization header: API token or
partner key) or, for the browser session, the signed-in user; an anonymous call (the
public self-check) changes nothing and is passed through. A view that keeps its own
record of keys (the partner intake stores them with its batches) sets
`idempotency_key_handled = True`. Services called under a key must not use
`transaction.atomic(durable=True)` (the call is already in a transaction).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from core.input import is_api_path, refusal_response
from core.locks import advisory_xact_locks

if TYPE_CHECKING:
    from core.models import IdempotentRequest

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_KEY_RE = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, as HTTP header values go
REPLAYED_HEADER = "Idempotent-Replayed"


def _caller_scope(request: HttpRequest) -> str | None:
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    if authorization:
        return "auth:" + hashlib.sha256(authorization.encode("utf-8", "surrogateescape")).hexdigest()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def _body(request: HttpRequest) -> bytes:
    """The raw body, kept on the request for the view to parse afterwards. Its size is
    already bounded by core.input.InputGuardMiddleware (uploads included), so this reads
    past DATA_UPLOAD_MAX_MEMORY_SIZE, which would refuse an upload here."""
    if not hasattr(request, "_body"):
        request._body = request.read()
        request._stream = io.BytesIO(request._body)
    return request._body


def request_fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.path_info, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\x00")
    digest.update(_body(request))
    return digest.hexdigest()


def _handles_its_own_keys(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    view_class = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
    return bool(getattr(view_class, "idempotency_key_handled", False))


def _replay(stored: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(bytes(stored.body), status=stored.status_code, content_type=stored.content_type)
    response[REPLAYED_HEADER] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # Method and path first: request.headers builds a dict of every header (issue 16).
        if request.method not in UNSAFE_METHODS or not is_api_path(request.path_info):
            return self.get_response(request)
        key = request.META.get("HTTP_IDEMPOTENCY_KEY")
        if key is None:
            return self.get_response(request)
        key = key.strip()
        if not _KEY_RE.fullmatch(key):
            return refusal_response(request, {"idempotency_key": [
                _("Use an Idempotency-Key of 1 to 255 visible ASCII characters (a UUID, for example).")]}, 400)
        if _handles_its_own_keys(request):
            return self.get_response(request)
        scope = _caller_scope(request)
        if scope is None:
            return self.get_response(request)
        return self._once(request, scope, key)

    def _once(self, request: HttpRequest, scope: str, key: str) -> HttpResponseBase:
        from core.models import IdempotentRequest

        fingerprint = request_fingerprint(request)
        with transaction.atomic():
            advisory_xact_locks([("idempotency", scope, key)])
            stored = IdempotentRequest.objects.filter(scope=scope, key=key).first()
            expired = timezone.now() - dt.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
            if stored is not None and stored.created_at < expired:
                stored.delete()
                stored = None
            if stored is not None:
                if stored.fingerprint != fingerprint:
                    return refusal_response(request, {"idempotency_key": [
                        _("This Idempotency-Key was already used for a different request. Use a new key for new content.")]},
                        422)
                return _replay(stored)
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
            elif 200 <= response.status_code < 300 and isinstance(response, HttpResponse):  # not streamed
                IdempotentRequest.objects.create(
                    scope=scope, key=key, fingerprint=fingerprint, method=request.method or "",
                    path=request.path_info[:500], status_code=response.status_code,
                    content_type=response.get("Content-Type", "application/json")[:200], body=response.content,
                )
            return response


def idempotency_purge() -> int:
    """Delete stored answers older than their time to live; returns how many."""
    from core.models import IdempotentRequest

    expired = timezone.now() - dt.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    deleted, _by_model = IdempotentRequest.objects.filter(created_at__lt=expired).delete()
    return deleted
