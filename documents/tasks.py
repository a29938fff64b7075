"""The vault's housekeeping: a stored file whose row never committed (an enclosing
transaction rolled back after the upload service had stored it) is removed."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="documents.sweep_orphans", acks_late=True, time_limit=600, soft_time_limit=540)
def documents_sweep_orphans() -> int:
    # Idempotent: deleting files that no row names, older than the grace period.
    return services.documents_sweep_orphans()
