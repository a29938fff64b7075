"""Writes of the review: a reviewer's scores by the call's criteria, and the decision.

Scores are saved on the application row locked first (so two reviewers saving at once
queue, and a decision cannot slip between a save and its total); out of order (the
application is not under review) or out of range: refused, nothing written. The decision
(adopt / not adopt) goes through applications.services.application_review_decide with
the mean of the reviewers' totals, after every criterion has been scored by someone.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Sum
from django.http import Http404
from django.utils.translation import gettext as _

from applications.models import Application
from applications.services import application_review_decide
from core.audit import audit_application_scored
from core.errors import ApplicationError
from core.input import clean_text, parse_int

from .models import ReviewCriterion, ReviewScore

MAX_NOTE = 2000


def _application_for_review(*, actor, application_id: int) -> Application:
    if not getattr(actor, "is_authenticated", False) or not actor.is_agency_staff:
        raise Http404
    application = Application.objects.select_for_update().filter(pk=application_id).exclude(
        status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN]).first()
    if application is None:
        raise Http404
    return application


def criteria_of(application: Application) -> list[ReviewCriterion]:
    return list(ReviewCriterion.objects.filter(subsidy_round_id=application.subsidy_round_id).order_by("position", "id"))


def _mean_total(application: Application) -> Decimal | None:
    totals = list(ReviewScore.objects.filter(application=application, submission=application.submission_count)
                  .values("reviewer").annotate(total=Sum("points")).values_list("total", flat=True))
    if not totals:
        return None
    return (Decimal(sum(totals)) / len(totals)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def review_score_save(*, actor, application_id: int, points: dict, note: str = "") -> Decimal:
    """Store the reviewer's points for every criterion of the call; returns the
    application's review score (the mean of the reviewers' totals)."""
    application = _application_for_review(actor=actor, application_id=application_id)
    if application.status != Application.Status.UNDER_REVIEW:
        raise ApplicationError(_("Only an application under review can be scored. Start the review first."))
    criteria = criteria_of(application)
    if not criteria:
        raise ApplicationError(_("This call has no review criteria; the agency's administrator adds them first."))
    cleaned: dict[ReviewCriterion, int] = {}
    errors: dict[str, list[str]] = {}
    for criterion in criteria:
        key = f"c_{criterion.code}"
        raw = points.get(criterion.code, points.get(key))
        if raw in (None, ""):
            errors[key] = [_("Score this criterion.")]
            continue
        try:
            cleaned[criterion] = parse_int(raw, field=key, minimum=0, maximum=criterion.max_points)
        except ApplicationError:
            errors[key] = [_("Enter whole points from 0 to %(max)d.") % {"max": criterion.max_points}]
    unknown = set(points) - {c.code for c in criteria} - {f"c_{c.code}" for c in criteria}
    if unknown:
        errors["non_field_errors"] = [_("Score only the criteria of this call.")]
    note = clean_text(note, field="note", max_length=MAX_NOTE).strip()
    if errors:
        raise ApplicationError(errors=errors)
    for criterion, value in cleaned.items():
        ReviewScore.objects.update_or_create(
            application=application, submission=application.submission_count, criterion=criterion, reviewer=actor,
            defaults={"points": value, "note": note})
    application.review_score = _mean_total(application)
    application.save(update_fields=["review_score", "updated_at"])
    audit_application_scored(actor=actor, application=application, business_id=application.business_id,
                             total=sum(cleaned.values()), criteria={c.code: v for c, v in cleaned.items()})
    return application.review_score


@transaction.atomic
def review_decide(*, actor, application_id: int, result: str) -> Application:
    """Adopt or not adopt, with the scored total: refused before every criterion is scored."""
    application = _application_for_review(actor=actor, application_id=application_id)
    if application.status == Application.Status.ADOPTED or application.status == Application.Status.NOT_ADOPTED:
        raise ApplicationError(_("This application has already been decided (by another session or person). Nothing was changed."))
    if application.status != Application.Status.UNDER_REVIEW:
        raise ApplicationError(_("Only an application under review can be decided."))
    if result not in Application.ReviewResult.values:
        raise ApplicationError(errors={"result": [_("Choose adopted or not adopted.")]})
    scored = set(ReviewScore.objects.filter(application=application, submission=application.submission_count)
                 .values_list("criterion_id", flat=True))
    if not criteria_of(application) or any(c.pk not in scored for c in criteria_of(application)):
        raise ApplicationError(_("Score every criterion before deciding."))
    return application_review_decide(actor=actor, application_id=application.pk, score=_mean_total(application), result=result)
