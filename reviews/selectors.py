"""Reads of the review scores, for agency staff only (class 9, purpose 2, recipient 2).
The application is fetched through applications.selectors.application_for_agency_or_404,
which applies the business's consent for the agency."""

from __future__ import annotations

from applications.models import Application

from .models import ReviewCriterion, ReviewScore


def score_sheet(*, viewer, application: Application) -> dict:
    """The call's criteria with the viewer's own points and every reviewer's totals."""
    criteria = list(ReviewCriterion.objects.filter(subsidy_round_id=application.subsidy_round_id).order_by("position", "id"))
    scores = list(ReviewScore.objects.filter(application=application, submission=application.submission_count)
                  .select_related("reviewer"))
    mine = {s.criterion_id: s for s in scores if s.reviewer_id == viewer.pk}
    totals: dict[int, dict] = {}
    for s in scores:
        row = totals.setdefault(s.reviewer_id, {"reviewer": s.reviewer, "total": 0})
        row["total"] += s.points
    return {
        "criteria": [{"criterion": c, "points": mine[c.pk].points if c.pk in mine else None} for c in criteria],
        "note": next((s.note for s in mine.values() if s.note), ""),
        "totals": list(totals.values()),
        "max_total": sum(c.max_points for c in criteria),
    }
