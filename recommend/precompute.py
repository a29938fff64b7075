"""Precomputed recommendations (issue 16): recommend.engine.recommend stays the one place
that decides what is recommended and why; this module only runs it (per UI language) and
stores the result in RecommendationSet, for the worker (recommend.tasks). A request never
runs the engine: recommend.selectors reads the table. recommend.services marks sets stale
and asks for refreshes.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import RecommendationSet, ViewEvent

STORED_LIMIT = 50  # the API's largest ?limit=


def _serialise(results) -> dict:
    return {
        kind: [{"id": r.item.pk, "score": r.score, "reasons": [str(x) for x in r.reasons], "content": r.content,
                "collaborative": r.collaborative, "finance_based": r.finance_based} for r in recs]
        for kind, recs in results.items()
    }


def recommendations_refresh(*, business_id: int, today=None) -> RecommendationSet | None:
    """Run the engine for the business in every UI language and store the result."""
    from django.conf import settings
    from django.utils import translation

    from companies.models import Business

    from .engine import recommend

    business = Business.objects.filter(pk=business_id).first()
    if business is None:
        return None
    today = today or timezone.localdate()
    started = timezone.now()
    items = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            items[code] = _serialise(recommend(business, limit=STORED_LIMIT, today=today))
    row, _created = RecommendationSet.objects.update_or_create(
        business_id=business_id, defaults={"items": items, "computed_at": started, "computed_on": today, "stale": False},
    )
    return row


def recommendations_refresh_all(*, stale_only: bool = False) -> int:
    """Refresh the sets of every business that has users (or, with stale_only, those marked
    stale or computed on an earlier day). Returns how many were refreshed."""
    from accounts.models import Membership

    today = timezone.localdate()
    ids: Iterable[int]
    if stale_only:
        ids = RecommendationSet.objects.filter(Q(stale=True) | Q(computed_on__lt=today)).values_list("business_id", flat=True)
    else:
        ids = Membership.objects.values_list("business_id", flat=True).distinct()
    count = 0
    for business_id in sorted(set(ids)):
        if recommendations_refresh(business_id=business_id, today=today) is not None:
            count += 1
    return count


def recommendations_generation(business_id: int) -> str:
    """The core.pagecache generation of what is cached from the business's stored set (the
    API's body): moved on whenever the worker stores a new set (recommend.signals)."""
    return f"recommendations:{business_id}"


def debounce_key(business_id: int) -> str:
    return f"recommend:refresh:{business_id}"


def view_record_now(business_id: int, user_id: int | None, program_id: int | None, case_study_id: int | None) -> None:
    try:
        with transaction.atomic():
            ViewEvent.objects.create(business_id=business_id, user_id=user_id, program_id=program_id,
                                     case_study_id=case_study_id)
    except IntegrityError:  # the item or the business was deleted since the view
        pass
