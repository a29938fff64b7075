"""Role-aware navigation. Each app may define `navigation.py` with
`nav_items(user) -> list[NavItem]`; the header shows them grouped under at most seven
top items (NAV_GROUPS), so an app adds its pages without editing the shared layout.

An item names its group; one that does not falls into the group of its URL namespace
(GROUP_OF_NAMESPACE), and a namespace nobody mapped gets a top item of its own — visible
in the header, so it is noticed and mapped."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    order: int = 50
    group: str = ""  # a key of NAV_GROUPS; "" = the group of the URL's namespace

    @property
    def url(self) -> str:
        return reversed_url(self.url_name)

    @property
    def group_key(self) -> str:
        if self.group:
            return self.group
        namespace = self.url_name.split(":", 1)[0] if ":" in self.url_name else ""
        return GROUP_OF_NAMESPACE.get(namespace, self.url_name)


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str | Promise
    order: int


# The top level of the header: what a person comes to do, not which app serves it.
NAV_GROUPS: dict[str, NavGroup] = {
    g.key: g
    for g in [
        NavGroup("mypage", _("My page"), 10),
        NavGroup("data", _("Our data"), 20),
        NavGroup("apply", _("Subsidies"), 30),
        NavGroup("find", _("Find support"), 40),
        NavGroup("institution", _("Institution work"), 50),
        NavGroup("analysis", _("Analysis and data"), 60),
        NavGroup("admin", _("Administration"), 70),
    ]
}

GROUP_OF_NAMESPACE = {
    "accounts": "mypage",
    "notifications": "mypage",
    "companies": "data",
    "consent": "data",
    "documents": "data",
    "disclosure": "data",
    "applications": "apply",
    "awards": "apply",
    "programs": "find",
    "recommend": "find",
    "institutions": "find",
    "analytics": "analysis",
    "linkage": "admin",
    "admin": "admin",
}


@cache
def _providers() -> list[Callable[[Any], list[NavItem]]]:
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


# Navigation URLs take no arguments: each is reversed once per URLconf and script prefix,
# not on every page (issue 16). Forgotten when the URLconf setting changes (tests).
_REVERSED: dict[tuple[str, Any, str], str] = {}


def reversed_url(url_name: str) -> str:
    key = (url_name, get_urlconf(), get_script_prefix())
    url = _REVERSED.get(key)
    if url is None:
        url = reverse(url_name)  # NoReverseMatch is not remembered: the next call raises again
        if len(_REVERSED) < 10_000:
            _REVERSED[key] = url
    return url


def _forget(setting: str, **kwargs: Any) -> None:
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        _REVERSED.clear()


setting_changed.connect(_forget, dispatch_uid="core.navigation.forget")


def _items_for(request: HttpRequest) -> list[tuple[NavItem, dict[str, Any]]]:
    """The caller's items, worked out once per request and user (マイページ lists them and
    the header groups them: one pass, one unread-notice count)."""
    user = getattr(request, "user", None)
    memo = getattr(request, "_mirasapo_nav", None)
    if memo is not None and memo[0] is user and memo[1] == request.path:
        cached: list[tuple[NavItem, dict[str, Any]]] = memo[2]
        return cached
    result = _compute_items(request, user)
    request._mirasapo_nav = (user, request.path, result)  # type: ignore[attr-defined]  # a per-request memo
    return result


def _compute_items(request: HttpRequest, user: Any) -> list[tuple[NavItem, dict[str, Any]]]:
    items: list[NavItem] = []
    for provider in _providers():
        items.extend(provider(user))
    result: list[tuple[NavItem, dict[str, Any]]] = []
    for item in sorted(items, key=lambda i: i.order):
        try:
            url = item.url
        except NoReverseMatch:
            continue
        result.append((item, {"label": item.label, "url": url, "active": False}))
    # The one current item: the longest URL the path starts with ("/mypage/members/"
    # marks メンバー管理, not マイページ as well).
    matches = [entry for _item, entry in result if entry["url"] != "/" and request.path.startswith(entry["url"])]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["active"] = True
    return result


def navigation_for(request: HttpRequest) -> list[dict[str, Any]]:
    """Every item the caller may open, flat (マイページ lists them as links)."""
    return [entry for _item, entry in _items_for(request)]


def navigation_groups_for(request: HttpRequest) -> list[dict[str, Any]]:
    """The header's top items: a group holding one item is that item's own link."""
    groups: dict[str, dict[str, Any]] = {}
    for item, entry in _items_for(request):
        key = item.group_key
        spec = NAV_GROUPS.get(key)
        group = groups.setdefault(key, {
            "key": key.replace(":", "-"), "label": spec.label if spec else item.label,
            "order": spec.order if spec else 100 + item.order, "items": [], "active": False,
        })
        group["items"].append(entry)
        group["active"] = group["active"] or entry["active"]
    ordered = sorted(groups.values(), key=lambda g: g["order"])
    for group in ordered:
        group["single"] = group["items"][0] if len(group["items"]) == 1 else None
    return ordered
