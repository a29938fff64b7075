from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem


def nav_items(user) -> list[NavItem]:
    return [
        NavItem(_("Support programs"), "programs:program_list", order=20),
        NavItem(_("Case studies"), "programs:case_list", order=21),
    ]
