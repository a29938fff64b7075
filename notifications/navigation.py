from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem

from .selectors import unread_notice_count


def nav_items(user) -> list[NavItem]:
    if user is None or not user.is_authenticated:
        return []
    items = [NavItem(_("Mail settings"), "notifications:preferences", order=85)]
    if getattr(user, "is_business_user", False):
        # Notices (お知らせ) go to the business's users (their subsidies' steps); the unread
        # count shows in the header, お知らせ (2): one indexed COUNT a page, for them only.
        unread = unread_notice_count(user=user)
        label = _("Notices (%(count)s)") % {"count": unread} if unread else _("Notices")
        items.append(NavItem(label, "notifications:notices", order=5))
    return items
