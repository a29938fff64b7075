from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem


def nav_items(user) -> list[NavItem]:
    if user is None or not user.is_authenticated or not user.is_agency_staff:
        return []
    return [NavItem(_("Subsidies after adoption"), "awards:review-list", order=31, group="admin")]
