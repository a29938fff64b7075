from __future__ import annotations

from celery import shared_task


@shared_task(time_limit=120, soft_time_limit=100)  # type: ignore[untyped-decorator]  # celery ships no type information
def prune_login_failures() -> int:
    from accounts.lockout import prune

    return prune()
