"""Links that mail carries: one-click unsubscribe (a signed token naming the user and
the category) and the preferences page. Used by the rendering of mail (tasks) and by the
unsubscribe view and service, so it depends on neither."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Category

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
UNSUBSCRIBE_MAX_AGE = 60 * 60 * 24 * 400  # links in a year-old mail still work
ALL_OPTIONAL = "all"


def unsubscribe_token(*, user_id: int, category: str) -> str:
    category = category if category in Category.values else ALL_OPTIONAL
    return signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign_object({"u": user_id, "c": category})


def unsubscribe_url(*, user_id: int, category: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id=user_id, category=category)])


def preferences_url() -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("notifications:preferences")


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, category) of a valid token; signing.BadSignature otherwise."""
    data = signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).unsign_object(token, max_age=UNSUBSCRIBE_MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or data.get("c") not in (*Category.values, ALL_OPTIONAL):
        raise signing.BadSignature("malformed unsubscribe token")
    return data["u"], data["c"]
