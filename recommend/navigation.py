from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem


def nav_items(user) -> list[NavItem]:
    if user is None or not user.is_authenticated or user.membership_or_none is None:
        return []
    return [
        NavItem(_("Recommendations"), "recommend:recommendations", order=10),
        NavItem(_("Management diagnosis"), "recommend:diagnosis", order=11),
        NavItem(_("Saved items"), "recommend:favourites", order=12),
        NavItem(_("Saved searches"), "recommend:saved_searches", order=13),
    ]
