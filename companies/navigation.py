from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem

from .selectors import may_view_record


def nav_items(user) -> list[NavItem]:
    if may_view_record(user):
        return [NavItem(_("Business record"), "companies:record", order=10),
                NavItem(_("My data"), "companies:my-data", order=11)]
    return []
