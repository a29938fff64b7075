"""Role-aware navigation. Each app may define `navigation.py` with
`nav_items(user) -> list[NavItem]`; the header shows them in INSTALLED_APPS order,
so an app adds its pages without editing the shared layout."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 50

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@cache
def _providers():
    providers = []
    for app_name in settings.INSTALLED_APPS:
        try:
            module = importlib.import_module(f"{app_name}.navigation")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_name}.navigation":
                raise
            continue
        if hasattr(module, "nav_items"):  # core.navigation is this module itself
            providers.append(module.nav_items)
    return providers


def navigation_for(request) -> list[dict]:
    user = getattr(request, "user", None)
    items: list[NavItem] = []
    for provider in _providers():
        items.extend(provider(user))
    result = []
    for item in sorted(items, key=lambda i: i.order):
        try:
            url = item.url
        except NoReverseMatch:
            continue
        result.append({"label": item.label, "url": url, "active": False})
    # The one current item: the longest URL the path starts with ("/mypage/members/"
    # marks メンバー管理, not マイページ as well).
    matches = [entry for entry in result if entry["url"] != "/" and request.path.startswith(entry["url"])]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["active"] = True
    return result
