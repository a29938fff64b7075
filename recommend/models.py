"""What businesses do with the catalogue (favourites = マイ事例集, view history), saved
searches with mail alerts, and the scales of the local-benchmark diagnosis.

Favourites and views belong to the business (any of its users saved it) because the
recommendation's collaborative part compares businesses, not people.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

_ONE_ITEM = Q(program__isnull=False, case_study__isnull=True) | Q(program__isnull=True, case_study__isnull=False)


class Favourite(TimeStampedModel):
    business = models.ForeignKey("companies.Business", on_delete=models.CASCADE, related_name="favourites")
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    program = models.ForeignKey("programs.SupportProgram", null=True, blank=True, on_delete=models.CASCADE, related_name="favourites")
    case_study = models.ForeignKey("programs.CaseStudy", null=True, blank=True, on_delete=models.CASCADE, related_name="favourites")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=_ONE_ITEM, name="favourite_one_item"),
            models.UniqueConstraint(fields=["business", "program"], condition=Q(program__isnull=False), name="favourite_unique_program"),
            models.UniqueConstraint(fields=["business", "case_study"], condition=Q(case_study__isnull=False), name="favourite_unique_case"),
        ]

    def __str__(self) -> str:
        return f"{self.business_id}: {self.program_id or self.case_study_id}"


class ViewEvent(models.Model):
    business = models.ForeignKey("companies.Business", on_delete=models.CASCADE, related_name="catalogue_views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    program = models.ForeignKey("programs.SupportProgram", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    case_study = models.ForeignKey("programs.CaseStudy", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["business", "-viewed_at"])]
        constraints = [models.CheckConstraint(condition=_ONE_ITEM, name="view_one_item")]

    def __str__(self) -> str:
        return f"{self.business_id}: {self.program_id or self.case_study_id} @ {self.viewed_at}"


class SavedSearch(TimeStampedModel):
    """A 支援制度ナビ search kept by a user, optionally with a mail alert of new matches."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(_("name"), max_length=100)
    params = models.JSONField(_("search conditions"), default=dict)
    email_alerts = models.BooleanField(_("e-mail me new matching programs"), default=True)
    # Programs published after this moment have not been alerted yet.
    alerted_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_search_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def querystring(self) -> str:
        from urllib.parse import urlencode

        return urlencode(sorted(self.params.items()))


class IndicatorScale(models.Model):
    """Cut points of one ローカルベンチマーク indicator, loaded from
    recommend/data/local_benchmark_scales.json by migration (data, not code).

    `percentile_cuts` split the peer distribution into five levels; `reference_cuts`
    (absolute values) are used when the peer group is smaller than the minimum.
    """

    code = models.CharField(max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    higher_is_better = models.BooleanField(default=True)
    percentile_cuts = ArrayField(models.FloatField(), size=4)
    reference_cuts = ArrayField(models.FloatField(), size=4)
    themes = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    unit = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.code


class RecommendationSet(models.Model):
    """A business's recommendations, computed by recommend.precompute (a Celery task), never
    in a request (issue 16). `items` holds, per UI language, what recommend.engine.recommend
    returned: {"ja": {"program": [{id, score, reasons, content, collaborative,
    finance_based}, …], "case_study": […]}, "en": …}, the first STORED_LIMIT of each kind.

    `stale` is set in the transaction of any change to the business's own inputs (its
    favourites, views, records, applications, consent) or to the catalogue; a read of a stale
    or missing set asks for a refresh (debounced) and serves what is stored meanwhile.
    `computed_on` is the day the engine judged deadlines by; a set of an earlier day is stale."""

    business = models.OneToOneField("companies.Business", on_delete=models.CASCADE, primary_key=True, related_name="+")
    items = models.JSONField(default=dict)
    computed_at = models.DateTimeField()
    computed_on = models.DateField()
    stale = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"recommendations of business {self.business_id}"
