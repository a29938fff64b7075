"""Periodic housekeeping of core."""

from __future__ import annotations

from celery import shared_task

from core.idempotency import idempotency_purge


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)  # type: ignore[untyped-decorator]  # celery ships no type information
def purge_idempotency_keys() -> int:
    """Idempotent: deletes what has expired; running twice deletes nothing more."""
    return idempotency_purge()
