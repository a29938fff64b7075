from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views import i18n as i18n_views

from core import health, pagecache
from core.csrf import csrf_protect_by_origin
from core.health import Check


@pagecache.anonymous_page("catalogue")
def home(request: HttpRequest) -> HttpResponse:
    """The public home page: what the portal does for a business owner, a search box for
    the support programs, the calls open now by deadline, and the news.

    Its content holds nothing of the caller but whether they are signed in, so it is
    rendered once per language, day and sign-in state and catalogue generation (the rounds
    are part of the catalogue, core.pagecache) and kept until the first shown call closes;
    the header (CSRF token, the user's e-mail) is rendered per request. For anonymous
    callers the whole page is kept (core.pagecache.anonymous_page), no longer than its
    content."""
    from django.template.loader import render_to_string
    from django.utils import timezone

    signed_in = bool(getattr(request.user, "is_authenticated", False))
    today = timezone.localdate()

    def compute() -> tuple[str, datetime.datetime | None]:
        from django.apps import apps

        now = timezone.now()
        rounds = apps.get_model("applications", "SubsidyRound")
        open_calls = list(rounds.objects.filter(opens_on__lte=today, deadline__gte=now).order_by("deadline")[:5])
        html = render_to_string("core/_home_content.html", {"open_calls": open_calls, "news": NEWS, "signed_in": signed_in})
        # The list changes when the first of its calls closes (another may then move up).
        return html, min((call.deadline for call in open_calls), default=None)

    def seconds(value: tuple[str, datetime.datetime | None]) -> int:
        until = value[1]
        if until is None:
            return pagecache.DEFAULT_TIMEOUT
        return int(min((until - timezone.now()).total_seconds(), pagecache.DEFAULT_TIMEOUT))

    # ("home", 2, ...): the fragment holds the first deadline itself (it held seconds before).
    html, until = pagecache.cached("catalogue", ("home", 2, get_language(), today, signed_in), compute, timeout=seconds)
    pagecache.page_expires(request, until)
    return render(request, "core/home.html", {"content": mark_safe(html)})  # noqa: S308 - our own template's output


# Django's language switch (same URL, name and behaviour), guarded by the POST's origin
# instead of a token: the switch is on every page, and a token in it would keep anonymous
# pages from being cached whole (core.csrf, core.pagecache.anonymous_page).
set_language = csrf_protect_by_origin(i18n_views.set_language)


# The news on the home page: (date, text). Kept here, short, newest first.
NEWS = [
    ("2026-11-23", _("The consent settings now show every recipient and purpose by name.")),
    ("2026-11-09", _("Applications for the Small Business Sustainability Subsidy can now be prepared on Mirasapo.")),
    ("2026-10-01", _("Mirasapo opened: register your business once and reuse the data in your applications.")),
]

# The pages every government service has, linked from the footer. Each is written per
# language (templates/core/pages/<slug>.<lang>.html): long prose reads better written
# than assembled from translated sentences.
INFO_PAGES = {
    "terms": _("Terms of use"),
    "privacy": _("Privacy policy"),
    "accessibility": _("Accessibility policy"),
    "contact": _("Contact us"),
    "help": _("Help and frequently asked questions"),
}


def info_page(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in INFO_PAGES:
        raise Http404
    language = "en" if (get_language() or "ja").startswith("en") else "ja"
    return render(request, "core/info_page.html", {
        "title": INFO_PAGES[slug], "body_template": f"core/pages/{slug}.{language}.html", "slug": slug,
    })


def _health_response(checks: list[Check], *, detail: bool) -> JsonResponse:
    status = health.overall(checks)
    body: dict[str, Any] = {"status": status}
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
