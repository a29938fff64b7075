"""The 事業支援計画書 (様式4) that a 商工会 or 商工会議所 issues for a 持続化補助金 application.

A SupportPlanRequest is the applicant's request to one institution of the business's
area. It rests on a disclosure request (disclosure.DisclosureRequest, purpose 6) that
the applicant approved in the same step: the advisor reads the draft only through that
approval (consent.projection, the approved classes only). The advisor and the
applicant talk in threaded comments; the advisor fills in the 様式4 and issues it; the
issued 様式4 is rendered to PDF and attached to the application as a document of type
`support_plan` (documents app).

Field → data class (consent.registry): the 様式4's text is the plan of the subsidised
project as the institution assesses it (7, like the document type), the conversation is
the business's consultation (11, 課題に係る情報: 支援機関への相談内容), the institution
class 12, the status and dates class 10.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class SupportPlanRequest(TimeStampedModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        IN_REVIEW = "in_review", _("In review by the advisor")
        COMMENTED = "commented", _("Commented by the advisor")
        ISSUED = "issued", _("Issued")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="support_plan_requests")
    business = models.ForeignKey("companies.Business", on_delete=models.PROTECT, related_name="support_plan_requests")
    institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT, related_name="support_plan_requests",
                                    verbose_name=_("institution"))
    disclosure_request = models.OneToOneField("disclosure.DisclosureRequest", on_delete=models.PROTECT,
                                              related_name="support_plan_request")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    message = models.TextField(_("message to the advisor"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    # The 様式4 as the advisor fills it in.
    advisor_name = models.CharField(_("advisor in charge"), max_length=100, blank=True)
    region_findings = models.TextField(_("the region's economy and small businesses"), blank=True)
    plan_findings = models.TextField(_("findings on the management plan and the project"), blank=True)
    support_content = models.TextField(_("support during and after the project"), blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    document = models.ForeignKey("documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    DATA_CLASSES = {
        # Which application, approval and document (program usage, 10; the document is the plan, 7).
        "application": 10, "disclosure_request": 10, "document": 7,
        # The applicant's user who asked (担当者, 5) and the advisor who issued (支援機関, 12).
        "requested_by": 5, "issued_by": 12,
        "message": 11,
        "advisor_name": 12, "institution": 12,
        "region_findings": 7, "plan_findings": 7, "support_content": 7,
        "status": 10, "issued_at": 10, "closed_at": 10, "decline_reason": 11,
    }

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("support plan (form 4) request")
        verbose_name_plural = _("support plan (form 4) requests")
        indexes = [models.Index(fields=["institution", "status"])]
        constraints = [
            # One open (or issued) request per application at a time.
            models.UniqueConstraint(fields=["application"], condition=~Q(status__in=["declined", "withdrawn"]),
                                    name="support_plan_one_open_per_application"),
            models.CheckConstraint(condition=~Q(status="issued") | (Q(issued_at__isnull=False) & Q(document__isnull=False)),
                                   name="support_plan_issued_has_document"),
        ]

    def __str__(self) -> str:
        return f"様式4 {self.application_id} ← {self.institution_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.REQUESTED, self.Status.IN_REVIEW, self.Status.COMMENTED)


class SupportPlanComment(models.Model):
    """A comment on the draft, by the advisor or the applicant; `parent` threads replies."""

    class Author(models.TextChoices):
        ADVISOR = "advisor", _("Advisor")
        APPLICANT = "applicant", _("Applicant")

    request = models.ForeignKey(SupportPlanRequest, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_side = models.CharField(max_length=10, choices=Author.choices)
    # The form field the comment is about ("" = the draft as a whole).
    field = models.CharField(max_length=60, blank=True)
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    DATA_CLASSES = {"request": 11, "parent": 11, "author": 11, "author_side": 11, "body": 11, "field": 11, "created_at": 10}

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("support plan comment")
        verbose_name_plural = _("support plan comments")

    def __str__(self) -> str:
        return f"{self.request_id} #{self.pk} ({self.author_side})"
