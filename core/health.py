"""What a page needs, checked the way a page uses it: the database, the static-files
manifest and the cache (Redis).

`/healthz` (load balancers, container health checks) answers 503 when a page would
fail — no database, or no static manifest entry for the stylesheet every page links —
and 200 with `"status": "degraded"` when only Redis is away: pages, sign-in and writes
still work without it (rate limits fall back to the database, mail waits in the outbox
until the relay can publish it), so taking the web tier out of rotation would turn a
degraded service into an outage. `/readyz` gives operators the detail of each check.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections

logger = logging.getLogger(__name__)

OK, DEGRADED, FAIL = "ok", "degraded", "fail"
# Every page links this stylesheet through {% static %}: if the manifest cannot name it,
# every HTML page answers 500.
PAGE_ASSET = "css/portal.css"


@dataclass
class Check:
    name: str
    ok: bool
    # A critical check that fails means pages fail (503); a non-critical one degrades.
    critical: bool
    ms: float
    detail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"ok": self.ok, "critical": self.critical, "ms": round(self.ms, 1)}
        if self.detail:
            data["detail"] = self.detail
        data.update(self.extra)
        return data


def _timed(name: str, critical: bool, probe: Callable[[], dict[str, Any]]) -> Check:
    started = time.perf_counter()
    try:
        extra = probe() or {}
        return Check(name, True, critical, (time.perf_counter() - started) * 1000, extra=extra)
    except Exception as exc:  # a health check reports every failure; it never raises
        logger.warning("health check %s failed: %s: %s", name, type(exc).__name__, exc)
        # The exception class only: the message may hold host names or credentials.
        return Check(name, False, critical, (time.perf_counter() - started) * 1000, detail=type(exc).__name__)


def _database() -> dict[str, Any]:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def _static() -> dict[str, Any]:
    from django.contrib.staticfiles.storage import (
        ManifestFilesMixin,
        staticfiles_storage,
    )

    if isinstance(staticfiles_storage, ManifestFilesMixin):
        # Read the manifest from disk now (not the copy loaded at start-up), so a
        # STATIC_ROOT emptied under a running server is noticed too.
        manifest = staticfiles_storage.load_manifest()
        paths = manifest[0] if isinstance(manifest, tuple) else manifest  # Django 5: (paths, hash)
        hashed = paths.get(PAGE_ASSET)
        if not hashed:
            raise LookupError(f"no manifest entry for {PAGE_ASSET}")
        if not staticfiles_storage.exists(hashed):
            raise FileNotFoundError(hashed)
        return {"manifest": True}
    from django.contrib.staticfiles import finders

    if not finders.find(PAGE_ASSET):
        raise FileNotFoundError(PAGE_ASSET)
    return {"manifest": False}


def _cache() -> dict[str, Any]:
    from django.core.cache import cache

    from core.cache import strict_ping

    strict_ping(cache)  # the cache itself hides an outage from callers
    key = "mirasapo:healthz"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("cache read back a different value")
    return {}


def _migrations() -> dict[str, Any]:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections["default"])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise RuntimeError(f"{len(plan)} unapplied migration(s)")
    return {}


def _outbox() -> dict[str, Any]:
    """The mail relay's backlog: how many messages wait, and for how long."""
    from django.db.models import Min
    from django.utils import timezone

    from notifications.models import OutboxMessage

    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
    summary = pending.aggregate(oldest=Min("created_at"))
    oldest = summary["oldest"]
    return {
        "pending": pending.count(),
        "oldest_pending_seconds": int((timezone.now() - oldest).total_seconds()) if oldest else 0,
    }


def page_checks() -> list[Check]:
    return [
        _timed("database", True, _database),
        _timed("static", True, _static),
        _timed("cache", False, _cache),
    ]


def operator_checks() -> list[Check]:
    checks = page_checks()
    database_up = checks[0].ok
    if database_up:
        checks.append(_timed("migrations", True, _migrations))
        checks.append(_timed("outbox", False, _outbox))
    return checks


def overall(checks: list[Check]) -> str:
    if any(not c.ok and c.critical for c in checks):
        return FAIL
    if any(not c.ok for c in checks):
        return DEGRADED
    return OK
