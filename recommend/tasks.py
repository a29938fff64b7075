"""Beat jobs of the push mail (recommend/schedule.py). Each is idempotent (see mail.py)."""

from __future__ import annotations

from celery import shared_task

from . import mail


@shared_task(time_limit=1800, soft_time_limit=1700)
def program_alerts() -> int:
    return mail.send_program_alerts() + mail.send_saved_search_alerts()


@shared_task(time_limit=1800, soft_time_limit=1700)
def deadline_reminders() -> int:
    return mail.send_deadline_reminders()


@shared_task(time_limit=3600, soft_time_limit=3500)
def weekly_digest() -> int:
    return mail.build_weekly_digest()


@shared_task(time_limit=300, soft_time_limit=240)
def refresh_recommendations(business_id: int) -> bool:
    """One business's recommendations, after a change of its inputs (debounced)."""
    from django.core.cache import cache

    from .precompute import debounce_key, recommendations_refresh

    cache.delete(debounce_key(business_id))  # a change from now on asks again
    return recommendations_refresh(business_id=business_id) is not None


@shared_task(time_limit=3600, soft_time_limit=3500)
def refresh_stale_recommendations() -> int:
    """Sets marked stale (catalogue changes, a missed request) or of an earlier day."""
    from .precompute import recommendations_refresh_all

    return recommendations_refresh_all(stale_only=True)


@shared_task(time_limit=3 * 3600, soft_time_limit=3 * 3600 - 100)
def refresh_all_recommendations() -> int:
    """Nightly: every business with users, so that other businesses' behaviour (the
    collaborative part) enters everyone's set within a day."""
    from .precompute import recommendations_refresh_all

    return recommendations_refresh_all()


@shared_task(ignore_result=True, time_limit=60, soft_time_limit=50)
def record_view(business_id: int, user_id: int | None, program_id: int | None, case_study_id: int | None) -> None:
    """A business user's view of a catalogue item (recommend.services.view_record)."""
    from .precompute import view_record_now

    view_record_now(business_id, user_id, program_id, case_study_id)
