"""Transaction-scoped PostgreSQL advisory locks, for get-or-create races that a row lock
cannot cover (the row does not exist yet)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.db import connection


def lock_id(*parts: object) -> int:
    """A signed 64-bit lock id for a namespaced key, e.g. ("linkage-record", 3, "K-1")."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def advisory_xact_locks(keys: Iterable[tuple[object, ...]]) -> None:
    """Take one lock per key until the transaction ends, in a fixed order (sorted ids),
    so that two transactions locking overlapping sets cannot deadlock. One query."""
    ids = sorted({lock_id(*key) for key in keys})
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_advisory_xact_lock(k)) FROM unnest(%s::bigint[]) AS k", [ids])
