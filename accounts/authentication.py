"""API authentication by hashed, expiring, revocable token (`Authorization: Token <key>`)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from core import pagecache

if TYPE_CHECKING:
    from .models import ApiToken, User


# Writing last_used_at on every call would make each API read a write; once a minute is
# enough to show "last used" on the user's page.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class HashedTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: object) -> tuple[User, ApiToken]:
        from .lookups import token_with_user
        from .models import ApiToken

        if not isinstance(key, str) or not key.isascii() or len(key) > 200:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        # The caller's user and membership come in the same query (every role check reads
        # the membership), its SQL built once (accounts.lookups).
        token = token_with_user(hash_key(key))
        now = timezone.now()
        if token is None or token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("This token has expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            # マイページ shows when each token was last used (accounts.mypage).
            pagecache.touch(pagecache.user_scope(token.user_id))
        return token.user, token
