"""Helpers for the tests of cached pages and bodies (core.pagecache and its users)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator


@contextlib.contextmanager
def redis_away() -> Iterator[None]:
    """The cache as it is while Redis is down (core.cache.ResilientRedisCache): every page
    and body computed afresh, so a test can compare cached output with computed output."""
    from django.core.cache import caches

    backend = caches["default"]
    backend._down_until = time.monotonic() + 600
    try:
        yield
    finally:
        backend._down_until = 0.0
