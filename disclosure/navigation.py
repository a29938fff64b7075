from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem


def nav_items(user) -> list[NavItem]:
    if user is None or not user.is_authenticated:
        return []
    if user.is_institution_staff:
        return [
            NavItem(_("Disclosure requests"), "disclosure:institution_requests", order=20, group="institution"),
            NavItem(_("Find companies"), "disclosure:company_search", order=21, group="institution"),
        ]
    if user.is_business_user and user.membership_or_none.account_type in ("prime", "member"):
        return [
            NavItem(_("Disclosure requests"), "disclosure:inbox", order=40),
            NavItem(_("Access log"), "disclosure:access_log", order=41),
        ]
    return []
