from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from core.navigation import navigation_groups_for


def portal(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "nav_groups": navigation_groups_for(request),
        # portal.js warns before the idle timeout ends a signed-in session.
        "session_idle_timeout": settings.SESSION_IDLE_TIMEOUT if signed_in else 0,
    }
