"""Two request guards that allauth does not provide.

RequireMFAMiddleware: Prime holders, support-institution staff, agency staff and researchers must have TOTP set up
and have passed it in this session before any URL outside a short allow-list. allauth
only *offers* MFA; enforcement is ours, in one place (tests/accounts/test_mfa_enforced.py
walks every URL pattern to prove none escapes it).

SessionIdleTimeoutMiddleware: a session ends after SESSION_IDLE_TIMEOUT seconds without
a request. Forms save drafts as the user types, so nothing typed is lost.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

# What a user who must still set up or pass MFA may reach: the sign-in stages themselves
# (by URL name, so /accounts/2fa/ management, e-mail and password pages stay closed), the
# URLs anyone may open (core.urlwalk.public_url_names) and static files.
MFA_STAGE_URL_NAMES = frozenset({
    "account_login", "account_logout", "account_inactive", "account_email_verification_sent", "account_confirm_email",
    "account_reset_password", "account_reset_password_done", "account_reset_password_from_key",
    "account_reset_password_from_key_done", "account_reauthenticate", "mfa_authenticate", "mfa_activate_totp",
    "set_language",
})
MFA_EXEMPT_PREFIXES = ("/static/",)
SESSION_MFA_KEY = "mirasapo_mfa_passed"


def mfa_exempt(path: str) -> bool:
    from django.urls import Resolver404, resolve

    from core.urlwalk import public_url_names

    if path.startswith(MFA_EXEMPT_PREFIXES):
        return True
    try:
        match = resolve(path)
    except Resolver404:
        return True  # a 404 either way; nothing to protect
    return match.view_name in MFA_STAGE_URL_NAMES or match.view_name in public_url_names()


def user_has_totp(user: object) -> bool:
    from allauth.mfa.models import Authenticator

    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())


def session_passed_mfa(request: HttpRequest) -> bool:
    """allauth records the authentication methods used in this session."""
    if request.session.get(SESSION_MFA_KEY):
        return True
    methods = request.session.get("account_authentication_methods", [])
    if any(m.get("method") == "mfa" for m in methods):
        request.session[SESSION_MFA_KEY] = True
        return True
    return False


class RequireMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        session = getattr(request, "session", None)
        if session is not None and session.session_key is None:
            # No session cookie: the user is anonymous (AuthenticationMiddleware reads the
            # session only), so neither the lazy user lookup nor the URL check is needed.
            return self.get_response(request)
        user = getattr(request, "user", None)
        path = request.path_info
        if (
            user is not None
            and user.is_authenticated
            and user.requires_mfa
            and not session_passed_mfa(request)
            and not mfa_exempt(path)
        ):
            # A Token-authenticated API client never has a session here; the token
            # is issued by an operator only after the user set up MFA.
            if path.startswith("/api/"):
                from django.http import JsonResponse
                from django.utils.translation import gettext as _

                return JsonResponse({"detail": _("Two-factor authentication is required.")}, status=403)
            from urllib.parse import quote

            path = quote(request.get_full_path())
            if user_has_totp(user):
                # Signed in by password only (e.g. before MFA was set up): sign in again.
                logout(request)
                return redirect(f"{reverse('account_login')}?next={path}")
            return redirect(f"{reverse('mfa_activate_totp')}?next={path}")
        return self.get_response(request)


# The session's `last_seen` is rewritten at most once in this many seconds: writing it on
# every request made every signed-in request an UPDATE of the session row (issue 16). The
# idle time is measured from the last touch, so a session may end up to this much earlier
# than SESSION_IDLE_TIMEOUT after the very last request, never later.
SESSION_TOUCH_INTERVAL = 60


class SessionIdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        session = getattr(request, "session", None)
        # Only a request that carries a session can be signed in: checking the cookie first
        # spares the anonymous majority the lazy user lookup.
        if session is not None and session.session_key is not None:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                now = int(time.time())
                last = session.get("last_seen")
                if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT:
                    logout(request)
                    if request.path_info.startswith("/api/"):
                        return self.get_response(request)
                    return redirect(f"{reverse('account_login')}?next={request.path_info}&expired=1")
                if last is None or now - last >= SESSION_TOUCH_INTERVAL:
                    session["last_seen"] = now
        return self.get_response(request)


def mark_session_mfa_passed(sender: object = None, request: HttpRequest | None = None, user: object = None,
                            **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session") and getattr(request, "user", None) == user:
        request.session[SESSION_MFA_KEY] = True
