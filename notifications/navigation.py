from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem

from .selectors import unread_notice_count


def nav_items(user) -> list[NavItem]:
    if user is None or not user.is_authenticated:
        return []
    unread = unread_notice_count(user=user)
    # The unread count shows in the header (お知らせ (2)); one indexed COUNT a page.
    label = _("Notices (%(count)s)") % {"count": unread} if unread else _("Notices")
    return [NavItem(_("Mail settings"), "notifications:preferences", order=85),
            NavItem(label, "notifications:notices", order=5)]
