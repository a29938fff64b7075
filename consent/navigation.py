from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem


def nav_items(user) -> list[NavItem]:
    """Business users (Prime, Member, Entry) see their consent settings."""
    if user is None or not user.is_authenticated or user.membership_or_none is None:
        return []
    return [NavItem(_("Data-use consent"), "consent:index", order=40)]
