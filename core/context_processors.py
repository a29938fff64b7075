from __future__ import annotations

from core.navigation import navigation_for


def portal(request):
    return {"nav_items": navigation_for(request)}
