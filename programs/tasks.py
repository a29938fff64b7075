"""Beat job of the catalogue (programs/schedule.py)."""

from __future__ import annotations

from celery import shared_task

from .rounds import reception_periods_sync


@shared_task(time_limit=600, soft_time_limit=550)
def sync_reception_periods() -> int:
    return reception_periods_sync()
