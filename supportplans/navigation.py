from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem


def nav_items(user) -> list[NavItem]:
    if user is None or not user.is_authenticated:
        return []
    if user.is_institution_staff:
        return [NavItem(_("Form 4 requests"), "supportplans:queue", order=22, group="institution")]
    return []
