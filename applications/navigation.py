from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from companies.selectors import may_view_record
from core.navigation import NavItem


def nav_items(user) -> list[NavItem]:
    items = [NavItem(_("Subsidy self-check"), "applications:selfcheck", order=60)]
    if user is None or not user.is_authenticated:
        return items
    if may_view_record(user):
        items.append(NavItem(_("Applications"), "applications:history", order=20))
    if user.is_agency_staff:
        items.append(NavItem(_("Application review"), "applications:review-list", order=30, group="admin"))
    return items
