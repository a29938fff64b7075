"""The Redis cache, made optional for every request.

Nothing the portal must remember lives only in the cache: sessions are in the database,
sign-in failures are counted in the database (accounts.lockout), mail waits in the
outbox. So when Redis is away the cache behaves as an empty cache instead of raising:
reads miss, writes are dropped, `add` succeeds. What that means for each user of the
cache, and why it is acceptable:

- allauth's rate limits (sign-up, password reset, the code/MFA attempts) fail *open*
  while Redis is down: refusing everybody's sign-in because a cache is away would turn a
  degraded service into an outage, and the one limit that protects passwords — failed
  sign-ins per account and address, and globally — is kept in the database and still
  holds (see accounts/lockout.py). Each fallback is logged (`core.cache` warning).
- linkage's CSV preview is staged in the cache: without Redis the confirm step says the
  upload has expired and asks for the file again — nothing is written half-way.

After a failure the backend does not try Redis again for BREAKER_SECONDS, so a Redis that
hangs costs one request a socket timeout, not every request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

BREAKER_SECONDS = 5.0
LOG_EVERY_SECONDS = 30.0


class _ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new redis.Redis (and its table of ~170 response callbacks)
    for every cache call: a third of a cached page's cost in Redis (issue 16). A redis.Redis
    over a connection pool is safe to share, so one is kept per pool."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # Django's client, untyped
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]  # Django's client, untyped
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusedClientRedisCacheClient
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._last_logged = 0.0

    # -- the breaker ---------------------------------------------------------------
    def _available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, operation: str, exc: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self._down_until = now + BREAKER_SECONDS
            should_log = now - self._last_logged >= LOG_EVERY_SECONDS
            if should_log:
                self._last_logged = now
        if should_log:
            logger.warning("Redis cache unavailable (%s: %s: %s); continuing without it (rate limits fail open, "
                           "sign-in failures are counted in the database)", operation, type(exc).__name__, exc)

    def _call(self, operation: str, fallback: Any, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._available():
            return fallback
        try:
            return method(*args, **kwargs)
        except RedisError as exc:
            self._failed(operation, exc)
            return fallback

    def is_down(self) -> bool:
        return not self._available()

    # -- the cache API -------------------------------------------------------------
    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> Any:
        return self._call("add", True, super().add, key, value, timeout, version)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call("get", default, super().get, key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> Any:
        return self._call("set", None, super().set, key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> Any:
        return self._call("touch", False, super().touch, key, timeout, version)

    def delete(self, key: Any, version: int | None = None) -> Any:
        return self._call("delete", False, super().delete, key, version)

    def get_many(self, keys: Any, version: int | None = None) -> Any:
        return self._call("get_many", {}, super().get_many, keys, version)

    def has_key(self, key: Any, version: int | None = None) -> Any:
        return self._call("has_key", False, super().has_key, key, version)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        # Django's contract: incr of a missing key raises ValueError.
        result = self._call("incr", None, super().incr, key, delta, version)
        if result is None:
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        return result

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> Any:
        return self._call("set_many", list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys: Any, version: int | None = None) -> Any:
        return self._call("delete_many", None, super().delete_many, keys, version)

    def clear(self) -> Any:
        return self._call("clear", False, super().clear)


def strict_ping(cache: Any) -> None:
    """Round-trip to Redis itself, bypassing the fallback (for the health check)."""
    client = cache._cache.get_client(write=True) if hasattr(cache, "_cache") else None
    if client is None:
        raise RuntimeError("cache backend has no Redis client")
    client.ping()
