from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem


def nav_items(user) -> list[NavItem]:
    items = [NavItem(_("Open data"), "analytics:open_data", order=80)]
    if user is None or not user.is_authenticated:
        return items
    if user.is_agency_staff:
        items += [
            NavItem(_("Dashboard"), "analytics:dashboard", order=20),
            NavItem(_("EBPM"), "analytics:ebpm_list", order=21),
            NavItem(_("Research pledges"), "analytics:pledge_review_list", order=22),
            NavItem(_("Extract log"), "analytics:extract_log", order=23),
        ]
    elif user.is_researcher:
        items += [NavItem(_("EBPM pledge"), "analytics:pledge", order=20), NavItem(_("Research extract"), "analytics:extract", order=21)]
    return items
