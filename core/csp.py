"""The Content-Security-Policy header without rebuilding it on every response (issue 16).

django-csp's middleware builds the policy string from the settings twice a response (the
policy and the report-only one): ~1 ms of a bare page on this machine. Our policy has no
nonce and no per-view overrides, so the header is the same for every response: it is built
once per settings value (rebuilt when the setting changes, e.g. in tests) and reused. A
response or request that does use django-csp's per-view decorators or a nonce takes the
library's own path, unchanged.
"""

from __future__ import annotations

import http.client as http_client
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest
from django.http.response import HttpResponseBase

_PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro",
                 "_csp_exempt", "_csp_exempt_ro")
_cached: tuple[str, tuple[str, ...], str, tuple[str, ...]] | None = None


def _policies() -> tuple[str, tuple[str, ...], str, tuple[str, ...]]:
    global _cached
    if _cached is None:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or {}
        _cached = (build_policy(), tuple(policy.get("EXCLUDE_URL_PREFIXES", None) or ()),
                   build_policy(report_only=True), tuple(report_only.get("EXCLUDE_URL_PREFIXES", None) or ()))
    return _cached


def _forget(setting: str, **kwargs: Any) -> None:
    global _cached
    if setting in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        _cached = None


setting_changed.connect(_forget, dispatch_uid="core.csp.forget")


def _nonce_after_response() -> None:
    LibraryCSPMiddleware._csp_nonce_post_response()


class CSPMiddleware(LibraryCSPMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(hasattr(response, name) for name in _PER_RESPONSE):
            return super().process_response(request, response)
        if response.status_code in (http_client.INTERNAL_SERVER_ERROR, http_client.NOT_FOUND) and settings.DEBUG:
            return response
        csp, prefixes, csp_ro, prefixes_ro = _policies()
        path = request.path_info
        if csp and HEADER not in response and not path.startswith(prefixes):
            response[HEADER] = csp
        if csp_ro and HEADER_REPORT_ONLY not in response and not path.startswith(prefixes_ro):
            response[HEADER_REPORT_ONLY] = csp_ro
        request.csp_nonce = CheckableLazyObject(_nonce_after_response)  # type: ignore[attr-defined]  # django-csp sets it too
        return response
