"""Scoring of applications by the agency's reviewers, by the criteria of the call.

A call (SubsidyRound) lists its review criteria (審査観点) as data, each with its maximum
points; each reviewer scores each criterion once per submission under review (a later
save replaces the reviewer's earlier points). The application's review score is the
mean of the reviewers' totals. Scores are review information (class 9): never shown to
the applicant.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReviewCriterion(models.Model):
    subsidy_round = models.ForeignKey("applications.SubsidyRound", on_delete=models.CASCADE, related_name="review_criteria",
                                      verbose_name=_("round"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("what is assessed"), blank=True)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["subsidy_round", "position", "id"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        constraints = [
            models.UniqueConstraint(fields=["subsidy_round", "code"], name="review_criterion_unique"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="review_criterion_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class ReviewScore(models.Model):
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="review_scores")
    criterion = models.ForeignKey(ReviewCriterion, on_delete=models.PROTECT, related_name="scores")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The submission scored (a resubmission after 差戻し is scored afresh).
    submission = models.PositiveSmallIntegerField()
    points = models.PositiveSmallIntegerField(_("points"))
    note = models.TextField(_("note"), blank=True)
    scored_at = models.DateTimeField(auto_now=True)

    DATA_CLASSES = {"application": 10, "criterion": 9, "reviewer": 9, "points": 9, "note": 9, "scored_at": 9, "submission": 10}

    class Meta:
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        ordering = ["application", "reviewer", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["application", "submission", "criterion", "reviewer"], name="review_score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.criterion_id} {self.points}"
