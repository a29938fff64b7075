from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem


def nav_items(user) -> list[NavItem]:
    items = [NavItem(_("Find a supporter"), "institutions:search", order=30)]
    if user is not None and user.is_authenticated and user.is_institution_staff:
        items += [
            NavItem(_("Institution profile"), "institutions:profile", order=22, group="institution"),
            NavItem(_("Our support records"), "institutions:support_records", order=23, group="institution"),
        ]
    return items
