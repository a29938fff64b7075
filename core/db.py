"""Heavy reads on a read replica (DATABASE_REPLICA_URL), everything else on the primary.

The router sends a read to the replica only inside `heavy_reads()` — the dashboard, open
data and research extracts (analytics/urls.py, analytics/api.py). Writes, consent
decisions for a single request, sign-in and every page not marked stay on the primary,
so nobody reads their own write from a lagging copy.

Consent still holds on the replica: before a heavy read uses it, `heavy_reads` takes the
primary's current WAL position and waits (at most REPLICA_WAIT seconds) until the replica
has replayed that far. Everything committed before the request — a consent revocation
a second ago included — is then on the replica; if it lags further, the read runs on the
primary. Without DATABASE_REPLICA_URL everything runs on the primary.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

from django.db import connections
from django.db.models import Model
from django.http import StreamingHttpResponse
from django.http.response import HttpResponseBase

logger = logging.getLogger(__name__)

REPLICA = "replica"
REPLICA_WAIT = 2.0
_read_alias: contextvars.ContextVar[str | None] = contextvars.ContextVar("mirasapo_read_alias", default=None)


def replica_configured() -> bool:
    return REPLICA in connections.databases


def _replica_caught_up(timeout: float = REPLICA_WAIT) -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            target = cursor.fetchone()[0]
        deadline = time.monotonic() + timeout
        with connections[REPLICA].cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
                in_recovery, caught_up = cursor.fetchone()
                if not in_recovery or caught_up:
                    return True  # a replica that is not in recovery is the primary itself (tests, small set-ups)
                if time.monotonic() >= deadline:
                    logger.warning("read replica lags behind the primary; heavy read runs on the primary")
                    return False
                time.sleep(0.05)
    except Exception as exc:  # a replica that is down: read from the primary
        logger.warning("read replica unavailable (%s: %s); heavy read runs on the primary", type(exc).__name__, exc)
        return False


@contextlib.contextmanager
def heavy_reads(alias: str | None = None) -> Iterator[str]:
    """Route this block's reads to the replica when one is configured and caught up."""
    if alias is None:
        alias = REPLICA if replica_configured() and _replica_caught_up() else "default"
    token = _read_alias.set(alias)
    try:
        yield alias
    finally:
        _read_alias.reset(token)


def reads_from_replica(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A view whose reads may go to the replica; a streamed body keeps the same database
    while it is produced (after the view has returned)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> HttpResponseBase:
        with heavy_reads() as alias:
            response = view(*args, **kwargs)
        if isinstance(response, StreamingHttpResponse) and not response.is_async:
            # A sync view's stream: an iterator of bytes (is_async is False).
            response.streaming_content = _streamed_on(alias, cast(Iterator[bytes], response.streaming_content))
        return response

    return wrapped


def _streamed_on(alias: str, chunks: Iterable[bytes]) -> Iterator[bytes]:
    with heavy_reads(alias):
        yield from chunks


class ReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        return _read_alias.get()

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == "default"
