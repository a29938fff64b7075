from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from companies.selectors import may_view_record
from core.navigation import NavItem


def nav_items(user) -> list[NavItem]:
    if user is None or not user.is_authenticated or not may_view_record(user):
        return []
    return [NavItem(_("Documents"), "documents:vault", order=22)]
