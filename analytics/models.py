"""Analytics: the agency's BI summary, EBPM analyses, research pledges and extracts.

Nothing here holds a copy of business data beyond aggregates: the dashboard reads a
summary table (DashboardCell) rebuilt from the applications through the consent
decision's set-based form; an EBPM analysis stores its parameters and its estimates
(no rows of business data); an extract log stores identifiers, filters, a count and
the SHA-256 of the file, never the file.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class DashboardCell(models.Model):
    """One cell of the dashboard's summary: counts and amounts of submitted applications
    per (fiscal year, program, round, prefecture, industry). Rebuilt as a whole by
    analytics.services.dashboard_summary_refresh (Celery beat, every 10 minutes)."""

    fiscal_year = models.PositiveSmallIntegerField()
    program = models.CharField(max_length=30)
    round_number = models.PositiveSmallIntegerField(null=True)
    prefecture = models.CharField(max_length=2)
    industry = models.CharField(max_length=4)
    applications = models.PositiveIntegerField()
    decided = models.PositiveIntegerField()
    adopted = models.PositiveIntegerField()
    requested_amount = models.BigIntegerField()
    granted_amount = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["fiscal_year", "program"]),
            models.Index(fields=["prefecture"]),
            models.Index(fields=["industry"]),
            models.Index(fields=["program", "round_number"]),
        ]

    def __str__(self) -> str:
        return f"FY{self.fiscal_year} {self.program} {self.round_number} {self.prefecture} {self.industry}"


class SummaryRefresh(models.Model):
    """When the summary was last rebuilt, from how many applications, in how long."""

    finished_at = models.DateTimeField(default=timezone.now, db_index=True)
    source_rows = models.PositiveIntegerField()
    cells = models.PositiveIntegerField()
    seconds = models.FloatField()

    class Meta:
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M} ({self.cells} cells)"


class ResearchPledge(TimeStampedModel):
    """The EBPM pledge (誓約書) of a researcher (seed 000 ②): purpose, research record and
    information-management system, decided by agency staff. The researcher's pledge status
    that the consent decision reads lives on accounts.ResearcherProfile and is written only
    through accounts.services.researcher_pledge_set_status."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    researcher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="research_pledges")
    affiliation = models.CharField(_("research institution"), max_length=200)
    research_purpose = models.TextField(_("purpose of use (EBPM only)"))
    research_record = models.TextField(_("main research record"))
    information_management = models.TextField(_("information-management system"))
    accepted_terms = models.BooleanField(_("accepted the pledge"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    approved_until = models.DateField(_("approved until"), null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["researcher"], condition=Q(status="pending"), name="one_pending_pledge_per_researcher"),
            models.CheckConstraint(condition=~Q(status="approved") | Q(approved_until__isnull=False), name="approved_pledge_has_expiry"),
            models.CheckConstraint(condition=Q(accepted_terms=True), name="pledge_terms_accepted"),
        ]

    def __str__(self) -> str:
        return f"{self.researcher} ({self.status})"

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.APPROVED and self.approved_until is not None and self.approved_until < timezone.localdate()


class ExtractDownload(models.Model):
    """One research extract: who, when, which filters, how many rows, the file's SHA-256.
    Created when the stream starts; completed (count, digest) when it ends."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    row_count = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    completed = models.BooleanField(default=False)
    policy_version = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.started_at:%Y-%m-%d %H:%M} ({self.row_count} rows)"


class EbpmAnalysis(models.Model):
    """A difference-in-differences evaluation, reproducible from its parameters.

    Requested by a page (PENDING), computed by a Celery task off the request (RUNNING,
    then DONE with its results or FAILED with the reason); analytics/transitions.py."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to run")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    title = models.CharField(_("title"), max_length=200)
    params = models.JSONField(default=dict)
    results = models.JSONField(default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    error = models.CharField(_("reason"), max_length=300, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    policy_version = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
