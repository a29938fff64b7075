"""Every URL pattern of the project, with a concrete path for each and whether it is public.

A URL is public when the module that declares it lists its name in `PUBLIC_URL_NAMES`
(an app's urls.py or api.py, or mirasapo/urls.py for the project-level pages). The
MFA middleware and the URL protection tests read the same list, so an app that adds a
page either names it public or gets it protected; nothing in between.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

DUMMY_STRING = "dummy"
DUMMY_UUID = str(uuid.UUID(int=1))

# Modules whose views guard themselves (allauth's entrance and account pages), Django's
# language switch, static files and the OpenAPI pages. Everything else needs a name in a
# PUBLIC_URL_NAMES set to be reachable anonymously.
SELF_GUARDED_MODULE_PREFIXES = ("allauth.", "django.views.i18n", "django.views.static", "django.contrib.staticfiles")


@dataclass(frozen=True)
class WalkedURL:
    path: str
    name: str  # namespaced, e.g. "accounts:members"; "" for unnamed patterns
    module: str
    public: bool
    self_guarded: bool


_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_NAMED_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>(?:[^()]|\([^()]*\))*)\)")


def _route_sample(route: str) -> str:
    def value(match: re.Match[str]) -> str:
        converter = match.group("converter") or "str"
        if converter == "int":
            return "1"
        if converter == "uuid":
            return DUMMY_UUID
        return DUMMY_STRING

    return _ROUTE_PARAM.sub(value, route)


def _regex_sample(regex: str) -> str:
    def value(match: re.Match[str]) -> str:
        body = match.group("body")
        literal = body.split("|")[0]
        if re.fullmatch(r"[\w\-]+", literal):
            return literal
        if "\\d" in body or "0-9]" in body and "A-Z" not in body:
            return "1"
        if "-" in body and "\\w" in body:
            return "dummy-key"
        return DUMMY_STRING

    sample = _NAMED_GROUP.sub(value, regex)
    sample = sample.lstrip("^").rstrip("$").replace("\\.", ".").replace("\\/", "/")
    sample = re.sub(r"\.\*|\.\+", DUMMY_STRING, sample)
    return sample.replace("^", "").replace("$", "")


def _sample(pattern: object) -> str:
    if isinstance(pattern, RoutePattern):
        return _route_sample(str(pattern))
    if isinstance(pattern, RegexPattern):
        return _regex_sample(pattern.regex.pattern)
    return str(pattern)


def _walk(resolver: URLResolver, prefix: str, namespace: str, public_names: frozenset[str],
          guarded: bool = False) -> Iterator[WalkedURL]:
    urlconf = resolver.urlconf_name
    urlconf_name = urlconf if isinstance(urlconf, str) else getattr(urlconf, "__name__", "")
    guarded = guarded or urlconf_name.startswith("allauth")
    module_public = frozenset(getattr(resolver.urlconf_module, "PUBLIC_URL_NAMES", ()) or ())
    public = public_names | module_public
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            child_ns = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (entry.namespace or namespace)
            # A namespaced include starts its own public list; a plain include inherits none.
            yield from _walk(entry, prefix + _sample(entry.pattern), child_ns or "", frozenset(), guarded)
        elif isinstance(entry, URLPattern):
            callback = entry.callback
            module = getattr(callback, "__module__", "") or ""
            view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
            if view_class is not None:
                module = view_class.__module__
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield WalkedURL(
                path="/" + prefix + _sample(entry.pattern), name=name, module=module,
                public=bool(entry.name) and entry.name in public,
                self_guarded=guarded or module.startswith(SELF_GUARDED_MODULE_PREFIXES),
            )


def walk_urls(urlconf: str | None = None) -> list[WalkedURL]:
    """The reachable patterns: one shadowed by an earlier one with the same path is dropped."""
    seen: set[str] = set()
    urls = []
    for url in _walk(get_resolver(urlconf), "", "", frozenset()):
        if url.path not in seen:
            seen.add(url.path)
            urls.append(url)
    return urls


@cache
def public_url_names() -> frozenset[str]:
    """Namespaced names of every URL that anyone may open."""
    return frozenset(url.name for url in walk_urls() if url.public)
