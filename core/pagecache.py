"""Rendered fragments of public pages, cached in Redis under a generation (issue 16).

A *generation* names a set of models (the catalogue: programs, case studies, rounds); any
save or delete of one of them, or a change of a many-to-many between them, moves the
generation on, now and again after the commit (a request that computed from the data
before the commit cannot leave its fragment in place for later requests). A fragment is
stored with the generation it was computed under, beside its key; one MGET reads both the
current generation and the fragment, and a fragment of an older generation is computed
afresh. Writes that bypass model signals (queryset.update) are covered by the time to live.

What may be cached here: markup that is the same for everyone who gets it — no CSRF
token, no user's name, no per-user flag. The views decide who gets a fragment (anonymous
callers and users without a business; a business's users see their saved flags and forms
rendered per request) and put what the fragment varies on (language, date, the query) in
its key. Without Redis (or while it is away) every request computes.

anonymous_page() keeps a whole page, frame and all, for anonymous callers without a
session (see there): the same generation, the same rules, served before the view runs.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

T = TypeVar("T")
View = TypeVar("View", bound=Callable[..., HttpResponseBase])

DEFAULT_TIMEOUT = 600
PREFIX = "pagecache"


def _generation_key(name: str) -> str:
    return f"{PREFIX}:gen:{name}"


def fragment_key(name: str, parts: Iterable[Any]) -> str:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()
    return f"{PREFIX}:{name}:{digest}"


def invalidate(name: str) -> None:
    from django.core.cache import cache

    cache.set(_generation_key(name), time.time_ns(), timeout=None)


_MISS = object()


def _generation_of(found: dict[str, Any], generation_key: str, *, timeout: int | None) -> Any:
    """The generation under `generation_key` as read in `found` (one MGET); a missing one is
    started now (the first of several racing processes wins, the others read its value).
    None when the cache went away between the calls."""
    from django.core.cache import cache

    generation = found.get(generation_key)
    if generation is None:
        generation = time.time_ns()
        if not cache.add(generation_key, generation, timeout=timeout):
            generation = cache.get(generation_key)
    return generation


def _lookup(name: str, key: str) -> tuple[Any, Any]:
    """(the current generation of `name`, what is stored under `key` for it, else _MISS);
    the generation is None while the cache is away (nothing may be stored then)."""
    from django.core.cache import cache

    if getattr(cache, "is_down", lambda: False)():
        return None, _MISS
    generation_key = _generation_key(name)
    found = cache.get_many([generation_key, key])
    generation = _generation_of(found, generation_key, timeout=None)
    if generation is None:  # the cache went away between the calls
        return None, _MISS
    stored = found.get(key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == generation:
        return generation, stored[1]
    return generation, _MISS


def _store(key: str, generation: Any, value: Any, seconds: int) -> None:
    from django.core.cache import cache

    if generation is not None and seconds > 0:
        # Stored with the generation read *before* it was computed: a change committed
        # meanwhile has moved the generation on, and this value is never served.
        cache.set(key, (generation, value), timeout=seconds)


def cached(name: str, parts: Iterable[Any], compute: Callable[[], T], *,
           timeout: int | Callable[[T], int] = DEFAULT_TIMEOUT) -> T:
    """compute()'s value under the key `parts` in generation `name`, computed at most once
    per generation and time to live (`timeout` in seconds, or a function of the value)."""
    key = fragment_key(name, parts)
    generation, stored = _lookup(name, key)
    if stored is not _MISS:
        return stored  # type: ignore[no-any-return]  # what compute() returned for this key
    value = compute()
    if generation is not None:
        _store(key, generation, value, timeout(value) if callable(timeout) else timeout)
    return value


# --- whole pages for anonymous callers -------------------------------------------------
#
# What is left of an anonymous public page once its content is cached is the frame (base
# template, header, navigation, footer): most of the request. A page whose view is wrapped
# in anonymous_page() is kept whole, as the view returned it, and given again to the next
# anonymous caller who asks for the same thing, before the view runs. The middleware still
# runs on every response: the security headers, CSP, Vary and Content-Language are set per
# request as on a computed page.
#
# Who gets a stored page: a GET without htmx headers and without any cookie but the
# language and the CSRF cookie. Those two leave the page as it is: the language is in the
# key (get_language(), from the cookie or Accept-Language), and the frame renders no CSRF
# token for an anonymous caller (the language switch is checked by origin, core.csrf). A
# session cookie (signed in, or an anonymous session holding messages), the messages
# cookie or anything else, and the page is computed for that request, as before.
#
# What is stored: only a 200 that set no cookie, used no CSRF token (get_token() marks the
# request), no CSP nonce and no message, stored under the generation read before the view
# ran (a change committed meanwhile is never served), keyed by host, scheme, path, query,
# language and date, for at most DEFAULT_TIMEOUT and never longer than the view says its
# content lasts (page_expires).

PAGE_QUERY_MAX = 500  # a longer query string is computed each time (no one types it)


def _neutral_cookies() -> frozenset[str]:
    from django.conf import settings

    return frozenset({settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME})


def page_expires(request: HttpRequest, until: datetime.datetime | None) -> None:
    """The page the view is computing shows something that ends at `until` (a call's
    deadline): a stored copy must not outlive it."""
    if until is None:
        return
    current = getattr(request, "_pagecache_until", None)
    if current is None or until < current:
        request._pagecache_until = until  # type: ignore[attr-defined]  # read by anonymous_page


def _may_serve_stored(request: HttpRequest) -> bool:
    if request.method != "GET" or "HTTP_HX_REQUEST" in request.META:
        return False
    if len(request.META.get("QUERY_STRING", "")) > PAGE_QUERY_MAX:
        return False
    if request.COOKIES and not _neutral_cookies().issuperset(request.COOKIES):
        return False
    # Without a session cookie no one is signed in; asked all the same, so that the session
    # is read (Vary: Cookie) exactly as when the page renders the header.
    return not request.user.is_authenticated


def _seconds_to_store(request: HttpRequest, response: HttpResponseBase) -> int:
    from django.contrib.messages.storage.base import BaseStorage
    from django.utils import timezone
    from django.utils.functional import empty

    if response.status_code != 200 or getattr(response, "streaming", False) or response.cookies:
        return 0
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or getattr(request, "_csp_nonce", None) is not None:
        return 0  # a CSRF token or a nonce of this request is in the page
    messages = getattr(request, "_messages", None)
    wrapped = getattr(messages, "_wrapped", messages)
    if wrapped is not empty and isinstance(wrapped, BaseStorage) and (wrapped.added_new or getattr(wrapped, "_loaded_data", None)):
        return 0
    if any(word in response.get("Cache-Control", "") for word in ("private", "no-store", "no-cache")):
        return 0
    seconds = DEFAULT_TIMEOUT
    until = getattr(request, "_pagecache_until", None)
    if until is not None:
        seconds = min(seconds, int((until - timezone.now()).total_seconds()))
    return seconds


def _stored_response(stored: tuple[int, list[tuple[str, str]], bytes]) -> HttpResponse:
    status, headers, content = stored
    response = HttpResponse(content, status=status)
    for header, value in headers:
        response[header] = value
    return response


def anonymous_page(name: str = "catalogue") -> Callable[[View], View]:
    """The view's page kept whole for anonymous callers, in generation `name` (see above)."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            from django.utils import timezone
            from django.utils.translation import get_language

            if not _may_serve_stored(request):
                return view(request, *args, **kwargs)
            key = fragment_key(name, ("page", request.get_host(), request.is_secure(), request.path,
                                      request.META.get("QUERY_STRING", ""), get_language(), timezone.localdate()))
            generation, stored = _lookup(name, key)
            if stored is not _MISS:
                return _stored_response(stored)
            response = view(request, *args, **kwargs)
            if generation is not None:
                seconds = _seconds_to_store(request, response)
                if seconds > 0 and isinstance(response, HttpResponse):
                    _store(key, generation, (response.status_code, list(response.items()), response.content), seconds)
            return response

        return wrapped  # type: ignore[return-value]  # the same signature as the view's

    return decorator


_queued = threading.local()


def _changed_handler(name: str) -> Callable[..., None]:
    def changed(sender: Any, **kwargs: Any) -> None:
        from core.demo import SEEDING

        if SEEDING.get() or kwargs.get("raw"):
            return
        action = kwargs.get("action")
        if action is not None and not str(action).startswith("post_"):
            return  # m2m_changed: once, after the change
        invalidate(name)
        connection = transaction.get_connection()
        if connection.in_atomic_block:
            # Once per transaction and generation (an import saves thousands of rows).
            hooks = getattr(_queued, name, None)
            if hooks is connection.run_on_commit:
                return
            setattr(_queued, name, connection.run_on_commit)
        transaction.on_commit(lambda: invalidate(name))

    return changed


def connect(name: str, models: Iterable[str], m2m: Iterable[tuple[str, str]] = ()) -> None:
    """Move generation `name` on when a row of `models` ("app.Model") is saved or deleted,
    or a many-to-many field (("app.Model", "field")) changes; and when seed_demo finishes."""
    from django.apps import apps

    from core.demo import seeded

    handler = _changed_handler(name)
    _handlers.append(handler)  # the signals hold weak references
    seeded.connect(lambda sender, **kwargs: invalidate(name), weak=False, dispatch_uid=f"pagecache.{name}.seeded")
    for label in models:
        model = apps.get_model(label)
        post_save.connect(handler, sender=model, dispatch_uid=f"pagecache.{name}.save.{label}")
        post_delete.connect(handler, sender=model, dispatch_uid=f"pagecache.{name}.delete.{label}")
    for label, field in m2m:
        through = apps.get_model(label)._meta.get_field(field).remote_field.through
        m2m_changed.connect(handler, sender=through, dispatch_uid=f"pagecache.{name}.m2m.{label}.{field}")


_handlers: list[Callable[..., None]] = []


# The process's own fragments (the "fragments" cache: footer, header brand, asset links)
# depend on settings only; a test that changes one of these starts them afresh.
FRAGMENT_SETTINGS = frozenset({"ROOT_URLCONF", "FORCE_SCRIPT_NAME", "STATIC_URL", "STORAGES", "LANGUAGES", "LANGUAGE_CODE",
                               "LOCALE_PATHS", "INSTALLED_APPS", "TEMPLATES", "CACHES"})


def _forget_fragments(setting: str, **kwargs: Any) -> None:
    if setting in FRAGMENT_SETTINGS:
        from django.core.cache import caches

        try:
            caches["fragments"].clear()
        except Exception:  # noqa: BLE001 - a test's CACHES without the alias: nothing to forget
            pass


setting_changed.connect(_forget_fragments, dispatch_uid="core.pagecache.forget_fragments")


# --- Pages of one user or one business (issue 16: マイページ, the recommendations API) ------
# A signed-in page is cached under several generations at once: one per user or business
# whose data it shows ("user:12", "business:3"), kept by the app that owns the page, moved
# on by the writes of what the page shows (model signals, and touch() where a write
# bypasses them). A generation nobody has asked for in SCOPE_TTL is forgotten: the next
# read starts a new one, so nothing stored under the old one is served again.

SCOPE_TTL = 2 * 24 * 3600


def user_scope(user_id: object) -> str:
    return f"user:{user_id}"


def business_scope(business_id: object) -> str:
    return f"business:{business_id}"


def touch(name: str) -> None:
    """Move generation `name` on now and again after the commit of the transaction under
    way (a request that read the data before the commit cannot leave its page in place)."""
    from django.core.cache import cache

    cache.set(_generation_key(name), time.time_ns(), timeout=SCOPE_TTL)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: cache.set(_generation_key(name), time.time_ns(), timeout=SCOPE_TTL))


def cached_under(names: Sequence[str], parts: Iterable[Any], compute: Callable[[], T], *,
                 timeout: int | Callable[[T], int] = DEFAULT_TIMEOUT) -> T:
    """As cached(), under every generation of `names` at once: the value stored under the
    key `parts` is reused while none of them has moved on (one MGET reads them all and the
    value); otherwise compute() runs and its value is stored with the generations it was
    computed under."""
    from django.core.cache import cache

    if getattr(cache, "is_down", lambda: False)():
        return compute()
    generation_keys = [_generation_key(name) for name in names]
    key = fragment_key("scoped", [*names, "\x1e", *parts])
    found = cache.get_many([*generation_keys, key])
    generations = []
    for generation_key in generation_keys:
        generation = _generation_of(found, generation_key, timeout=SCOPE_TTL)
        if generation is None:  # the cache went away between the calls
            return compute()
        generations.append(generation)
    stamp = tuple(generations)
    stored = found.get(key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == stamp:
        return stored[1]  # type: ignore[no-any-return]  # what compute() returned for this key
    value = compute()
    seconds = timeout(value) if callable(timeout) else timeout
    if seconds > 0:
        cache.set(key, (stamp, value), timeout=seconds)
    return value
