"""allauth adapters: local sign-up of businesses and sign-in with GビズID (OpenID Connect).

The GビズID userinfo carries account_type (1 Entry, 2 Prime, 3 Member), corp_type (1 法人,
2 個人事業主) and corporate_number; for a 個人事業主 that field is a 13-digit management
number without the 法人番号 check digit, so the digit is verified for corp_type 1 only
(accounts.services.gbizid_link_business). A user created from GビズID and the business
link are written in one transaction: claims the portal cannot use create nothing.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render

from core.errors import ApplicationError

if TYPE_CHECKING:
    from accounts.models import User



class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no type information
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return True

    def _client_ip(self, request: HttpRequest) -> str:
        try:
            return str(self.get_client_ip(request))
        except Exception:  # allauth refuses an unparseable address; count it as the socket's
            return request.META.get("REMOTE_ADDR") or "0.0.0.0"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Refuse a sign-in while its (account, address) pair, the account or the address
        is locked (accounts/lockout.py, in the database — works without Redis)."""
        from accounts import lockout

        self._login_failed_rl_usage = None
        if lockout.is_locked(email=str(credentials.get("email") or ""), ip=self._client_ip(request)):
            raise self.validation_error("too_many_login_attempts")

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        from accounts import lockout

        lockout.record_failure(email=str(credentials.get("email") or ""), ip=self._client_ip(request))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's mails (e-mail verification, password reset, security notices) go
        through the outbox like every other mail: rendered here, in the request's language,
        stored as an outbox row and delivered by the worker with retries."""
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site
        from django.utils.translation import get_language

        from notifications.services import mail_enqueue

        request = allauth_context.request
        message = self.render_mail(template_prefix, email, {
            "request": request, "email": email, "current_site": get_current_site(request), **context,
        })
        html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
        mail_enqueue(
            to_email=email, template="rendered", category="accounts", language=get_language() or "ja",
            context={"subject": message.subject, "body": message.body, "html": html},
            idempotency_key=f"allauth:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4()}",
        )


def _refuse(request: HttpRequest, error: ApplicationError) -> ImmediateHttpResponse:
    messages = [m for field_messages in error.errors.values() for m in field_messages] or [error.message]
    return ImmediateHttpResponse(render(request, "accounts/gbizid_error.html", {"error_messages": messages}, status=400))


class GBizIDSocialAccountAdapter(DefaultSocialAccountAdapter):  # type: ignore[misc]  # allauth ships no type information
    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: Any) -> bool:
        return True

    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> User:
        from accounts.services import gbizid_link_business

        try:
            with transaction.atomic():
                user: User = super().save_user(request, sociallogin, form)
                gbizid_link_business(user=user, claims=sociallogin.account.extra_data)
        except ApplicationError as error:
            raise _refuse(request, error) from error
        return user

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        # Existing users: refresh the business link and account type from the latest claims.
        if sociallogin.is_existing:
            from accounts.services import gbizid_link_business

            try:
                gbizid_link_business(user=sociallogin.user, claims=sociallogin.account.extra_data)
            except ApplicationError as error:
                raise _refuse(request, error) from error


def gbizid_configured() -> bool:
    return bool(settings.GBIZID_CLIENT_ID)
