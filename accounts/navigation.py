from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem


def nav_items(user: Any) -> list[NavItem]:
    if user is None or not user.is_authenticated:
        return []
    items = [NavItem(_("My page"), "accounts:mypage", order=1)]
    if user.is_prime:
        items.append(NavItem(_("Members"), "accounts:members", order=90))
    if user.is_agency_staff and user.is_staff:
        items.append(NavItem(_("Administration"), "admin:index", order=95))
    return items
