from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from core import health


def home(request: HttpRequest) -> HttpResponse:
    """The public home page: what the portal does for a business owner."""
    return render(request, "core/home.html")


def _health_response(checks, *, detail: bool) -> JsonResponse:
    status = health.overall(checks)
    body: dict = {"status": status}
    if detail:
        body["checks"] = {c.name: c.as_dict() for c in checks}
    response = JsonResponse(body, status=503 if status == health.FAIL else 200)
    response["Cache-Control"] = "no-store"
    return response


def healthz(request: HttpRequest) -> JsonResponse:
    """Load balancers: 503 when a page would fail; 200 "ok" or "degraded" (no Redis)."""
    return _health_response(health.page_checks(), detail=False)


def readyz(request: HttpRequest) -> JsonResponse:
    """Operators: each check with its timing, the migrations and the mail backlog."""
    return _health_response(health.operator_checks(), detail=True)
