from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem

from .access import Person, signed_in


def nav_items(user: Person | None) -> list[NavItem]:
    """Business users (Prime, Member, Entry) see their consent settings."""
    person = signed_in(user)
    if person is None or person.membership_or_none is None:
        return []
    return [NavItem(_("Data-use consent"), "consent:index", order=40)]
