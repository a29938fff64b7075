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
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")

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


def cached(name: str, parts: Iterable[Any], compute: Callable[[], T], *,
           timeout: int | Callable[[T], int] = DEFAULT_TIMEOUT) -> T:
    """compute()'s value under the key `parts` in generation `name`, computed at most once
    per generation and time to live (`timeout` in seconds, or a function of the value)."""
    from django.core.cache import cache

    if getattr(cache, "is_down", lambda: False)():
        return compute()
    generation_key, key = _generation_key(name), fragment_key(name, parts)
    found = cache.get_many([generation_key, key])
    generation = found.get(generation_key)
    if generation is None:
        generation = time.time_ns()
        if not cache.add(generation_key, generation, timeout=None):
            generation = cache.get(generation_key)
        if generation is None:  # the cache went away between the calls
            return compute()
    stored = found.get(key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == generation:
        return stored[1]  # type: ignore[no-any-return]  # what compute() returned for this key
    value = compute()
    seconds = timeout(value) if callable(timeout) else timeout
    if seconds > 0:
        cache.set(key, (generation, value), timeout=seconds)
    return value


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
        generation = found.get(generation_key)
        if generation is None:
            generation = time.time_ns()
            if not cache.add(generation_key, generation, timeout=SCOPE_TTL):
                generation = cache.get(generation_key)
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
