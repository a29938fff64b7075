from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from core.navigation import navigation_groups_for


def portal(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    nav_groups = navigation_groups_for(request)
    return {
        "nav_groups": nav_groups,
        # Anonymous callers all get the same items (the providers look at the user only):
        # their header navigation is rendered once per language and current item and kept
        # per process (the "fragments" cache). A signed-in user's is rendered per request.
        "nav_cache_key": None if signed_in else "anonymous:" + "|".join(
            entry["url"] for group in nav_groups for entry in group["items"] if entry["active"]),
        # portal.js warns before the idle timeout ends a signed-in session.
        "session_idle_timeout": settings.SESSION_IDLE_TIMEOUT if signed_in else 0,
    }
