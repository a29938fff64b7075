"""CSRF protection by the request's origin, for a form that must not carry a token (issue 16).

Django's CsrfViewMiddleware verifies the Origin header when a browser sends one (every
current browser does on a POST) and then asks for the token as well. A page that renders a
token cannot be cached whole: every cookieless request makes a new CSRF secret and a
Set-Cookie. The language switch is in the header of every page, so it would keep every
anonymous page from being cached. For the views wrapped here a verified Origin is enough:
a form posted from another site (or from an opaque "null" origin) is refused exactly as
Django refuses it; a POST without Origin (an old or non-browser client) still needs the
Referer (over HTTPS) and the token, as everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import decorator_from_middleware
from django.views.decorators.csrf import csrf_exempt


class OriginCsrfViewMiddleware(CsrfViewMiddleware):
    # _check_token is Django's own step (not in the stubs); if it were renamed, a same-origin
    # switch without a token would be refused: tests/core/test_anonymous_pages.py fails then.
    def _check_token(self, request: HttpRequest) -> None:
        # process_view has verified the Origin header (and refused a foreign one) before it
        # asks for the token: a same-origin browser POST needs nothing more.
        if "HTTP_ORIGIN" in request.META:
            return
        super()._check_token(request)  # type: ignore[misc]  # Django's private step, not in the stubs


def csrf_protect_by_origin(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """`view` checked by OriginCsrfViewMiddleware instead of the project's CSRF middleware."""
    protected: Callable[..., HttpResponseBase] = decorator_from_middleware(OriginCsrfViewMiddleware)(view)
    return csrf_exempt(protected)  # the project's middleware steps aside; the wrapper above checks
