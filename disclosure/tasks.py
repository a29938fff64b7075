from __future__ import annotations

from celery import shared_task

from .services import disclosure_requests_expire


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def expire_disclosure_requests() -> int:
    """Beat job: idempotent (each request is closed under a row lock, once)."""
    return disclosure_requests_expire()
