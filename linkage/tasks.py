from __future__ import annotations

from celery import shared_task

from .services import match_index_refresh


@shared_task(name="linkage.tasks.refresh_match_index")
def refresh_match_index(full: bool = True) -> int:
    """Idempotent: recomputes the derived index from Business."""
    return match_index_refresh(stale_only=not full)
