"""Reads of the linkage app, for agency staff. Business identity shown to a reviewer goes
through consent.access (purpose 2, class 1, recipient 2: intra-government sharing)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from companies.models import Business
from consent.access import PURPOSE_SHARING
from consent.projection import rows_released

from .models import IntakeBatch, ReviewItem


def _require_agency(viewer) -> None:
    if not (getattr(viewer, "is_authenticated", False) and viewer.is_agency_staff):
        raise PermissionDenied


def review_queue(*, viewer) -> QuerySet[ReviewItem]:
    _require_agency(viewer)
    return ReviewItem.objects.filter(status=ReviewItem.Status.PENDING).select_related("institution", "batch")


def review_item_get(*, viewer, item_id: int) -> ReviewItem:
    _require_agency(viewer)
    item = ReviewItem.objects.select_related("institution", "batch", "decided_by").filter(pk=item_id).first()
    if item is None:
        raise Http404
    return item


def review_candidates(*, viewer, item: ReviewItem) -> tuple[list[tuple[Business, float]], int]:
    """The candidates the viewer may see, best first, and how many the businesses' consent hides."""
    _require_agency(viewer)
    scores = {c["business_id"]: c["score"] for c in item.candidates}
    visible = {
        b.pk: b
        for b in rows_released(Business.objects.filter(pk__in=scores), purpose=PURPOSE_SHARING, classes=(1,),
                               viewer=viewer, business_field="pk")
    }
    shown = [(visible[pk], score) for pk, score in sorted(scores.items(), key=lambda kv: -kv[1]) if pk in visible]
    return shown, len(scores) - len(shown)


def batch_list(*, viewer) -> QuerySet[IntakeBatch]:
    _require_agency(viewer)
    return IntakeBatch.objects.select_related("institution", "client", "uploaded_by")
