"""Applications for subsidies and procedures: pre-filled from the business record,
confirmed per use, submitted as an immutable snapshot and kept as the applicant's history.

Field → data class (consent.registry): plan and content are class 8 (申請事業内容), review
score and result class 9 (審査情報, never shown to the applicant), the program, round and
years class 10 (制度活用情報), the support institution class 12.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consent.registry import (
    APPLICATION_CONTENT,
    PROGRAM_USAGE,
    REVIEW,
    SUPPORT_INSTITUTION,
)
from core.models import TimeStampedModel


class Program(models.TextChoices):
    JIZOKUKA_GENERAL = "jizokuka_general", _("Small business sustainability subsidy (general)")
    MONODUKURI = "monodukuri", _("Manufacturing, commerce and service productivity subsidy")
    IT_DONYU = "it_donyu", _("IT introduction subsidy")
    KEIEIRYOKU_KOJO = "keieiryoku_kojo", _("Management capability improvement plan")
    JIGYO_KEIZOKU = "jigyo_keizoku", _("Business continuity enhancement plan")
    KEIEI_KAKUSHIN = "keiei_kakushin", _("Management innovation plan")


PROCEDURES = frozenset({Program.KEIEIRYOKU_KOJO, Program.JIGYO_KEIZOKU, Program.KEIEI_KAKUSHIN})
SUBSIDIES = frozenset(set(Program.values) - set(PROCEDURES))


class SubsidyRound(models.Model):
    """A call (公募回) of a subsidy with its deadline and reference dates (seed 003 §11)."""

    program = models.CharField(max_length=30, choices=Program.choices)
    number = models.PositiveSmallIntegerField(_("round"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    opens_on = models.DateField(_("opens on"))
    deadline = models.DateTimeField(_("deadline"))
    reference_date = models.DateField(_("reference date"), help_text="e.g. for the representative's age (事業承継加点)")
    # Seed 003 §11: the latest certification date of a 経営力向上計画 that earns its bonus.
    plan_certified_by = models.DateField(_("management plan certified by"), null=True, blank=True)
    deadline_note = models.CharField(_("note on the deadline"), max_length=200, blank=True)
    # The call's guideline (公募要領) as published; pages link to it where a rule is explained.
    guideline_url = models.URLField(_("guideline (公募要領)"), blank=True)

    class Meta:
        ordering = ["program", "number"]
        constraints = [models.UniqueConstraint(fields=["program", "number"], name="round_unique")]

    def __str__(self) -> str:
        return f"{self.get_program_display()} 第{self.number}回"


class Frame(models.Model):
    """A frame (枠) of one round, as the call (公募要領) sets it: the subsidy rate, the cap and
    the conditions. Agency staff edit these rows (admin); the code reads them, never
    constants, so that the next call changes data only. Seed 003 gives 創業枠's 3-year
    window per round (§11) and 後継者支援枠's condition (§9 アトツギ甲子園)."""

    class Kind(models.TextChoices):
        NORMAL = "normal", _("Standard frame")
        WAGE_INCREASE = "wage_increase", _("Wage increase frame")
        GRADUATION = "graduation", _("Graduation frame")
        SUCCESSOR = "successor", _("Successor support frame")
        STARTUP = "startup", _("Start-up frame")

    subsidy_round = models.ForeignKey(SubsidyRound, on_delete=models.CASCADE, related_name="frames", verbose_name=_("round"))
    kind = models.CharField(_("frame"), max_length=20, choices=Kind.choices)
    rate_numerator = models.PositiveSmallIntegerField(_("subsidy rate (numerator)"), default=2)
    rate_denominator = models.PositiveSmallIntegerField(_("subsidy rate (denominator)"), default=3)
    # 賃金引上げ枠: a business in deficit (赤字事業者) gets a higher rate (3/4 in rounds 9-11).
    deficit_rate_numerator = models.PositiveSmallIntegerField(_("rate for a business in deficit (numerator)"), null=True, blank=True)
    deficit_rate_denominator = models.PositiveSmallIntegerField(_("rate for a business in deficit (denominator)"), null=True, blank=True)
    cap = models.PositiveIntegerField(_("cap (yen)"))
    # インボイス特例: added to the cap for a business that was tax-exempt and registers as a
    # qualified invoice issuer (適格請求書発行事業者).
    invoice_special_addition = models.PositiveIntegerField(_("invoice special addition (yen)"), default=0)
    wage_increase_yen = models.PositiveSmallIntegerField(
        _("required wage increase (yen an hour)"), null=True, blank=True,
        help_text=_("The lowest wage in the workplace must end this much above the regional minimum wage."))
    requires_wage_records = models.BooleanField(_("asks for the wage ledger and worker register"), default=False)
    startup_window_start = models.DateField(_("start-ups: opened on or after"), null=True, blank=True)
    startup_window_end = models.DateField(_("start-ups: opened on or before"), null=True, blank=True)
    requires_successor_finalist = models.BooleanField(_("asks for an Atotsugi Koshien finalist"), default=False)
    requires_growth_beyond_limit = models.BooleanField(_("asks for growth beyond the small-business limit"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["subsidy_round", "id"]
        verbose_name = _("frame")
        verbose_name_plural = _("frames")
        constraints = [
            models.UniqueConstraint(fields=["subsidy_round", "kind"], name="frame_unique_per_round"),
            models.CheckConstraint(condition=Q(rate_numerator__lte=models.F("rate_denominator")) & Q(rate_denominator__gt=0),
                                   name="frame_rate_at_most_one"),
            models.CheckConstraint(condition=Q(deficit_rate_numerator__isnull=True) | Q(deficit_rate_numerator__lte=models.F("deficit_rate_denominator")),
                                   name="frame_deficit_rate_at_most_one"),
            models.CheckConstraint(condition=Q(startup_window_start__isnull=True) | Q(startup_window_end__isnull=True)
                                   | Q(startup_window_start__lte=models.F("startup_window_end")), name="frame_window_order"),
        ]

    def __str__(self) -> str:
        return f"{self.subsidy_round} {self.get_kind_display()}"


class MinimumWage(models.Model):
    """地域別最低賃金 of a prefecture in a fiscal year (seed 003 §7 compares the workplace's
    lowest wage with it). Agency staff add the next year's figures when they are announced."""

    prefecture = models.CharField(_("prefecture"), max_length=2, help_text="JIS X 0401 code")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    hourly = models.PositiveIntegerField(_("minimum wage (yen an hour)"))
    effective_on = models.DateField(_("in force from"))

    class Meta:
        ordering = ["fiscal_year", "prefecture"]
        verbose_name = _("regional minimum wage")
        verbose_name_plural = _("regional minimum wages")
        constraints = [models.UniqueConstraint(fields=["prefecture", "fiscal_year"], name="minimum_wage_unique")]

    def __str__(self) -> str:
        return f"{self.prefecture} {self.fiscal_year}: {self.hourly}"


class TravelArea(models.Model):
    """An area of seed 003 §10's lodging table with its cap a night (tax excluded)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    domestic = models.BooleanField(_("in Japan"), default=False)
    cap_per_night = models.PositiveIntegerField(_("lodging cap a night (yen, tax excluded)"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("travel area")
        verbose_name_plural = _("travel areas")

    def __str__(self) -> str:
        return self.name


class TravelCity(models.Model):
    """A city the table names (指定都市 abroad, 甲地方 at home): its area decides the cap."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    area = models.ForeignKey(TravelArea, on_delete=models.PROTECT, related_name="cities", verbose_name=_("area"))

    class Meta:
        ordering = ["area__position", "code"]
        verbose_name = _("designated travel city")
        verbose_name_plural = _("designated travel cities")

    def __str__(self) -> str:
        return self.name


class Application(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        ADOPTED = "adopted", _("Adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")
        COMPLETED = "completed", _("Completion reported")
        CERTIFIED = "certified", _("Certified")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        RETURNED = "returned", _("Returned for correction")

    class ReviewResult(models.TextChoices):
        ADOPTED = "adopted", _("Adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")

    business = models.ForeignKey("companies.Business", on_delete=models.PROTECT, related_name="applications")
    program = models.CharField(_("program"), max_length=30, choices=Program.choices, db_index=True)
    is_procedure = models.BooleanField(default=False, editable=False)
    subsidy_round = models.ForeignKey(SubsidyRound, null=True, blank=True, on_delete=models.PROTECT, related_name="applications")
    frame = models.ForeignKey(Frame, null=True, blank=True, on_delete=models.PROTECT, related_name="applications", verbose_name=_("frame"))
    round_number = models.PositiveSmallIntegerField(_("round"), null=True, blank=True)
    fiscal_year = models.PositiveSmallIntegerField(_("application fiscal year"), db_index=True)
    implementation_fiscal_year = models.PositiveSmallIntegerField(_("implementation fiscal year"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    receipt_number = models.CharField(_("receipt number"), max_length=30, null=True, blank=True, unique=True)
    plan_title = models.CharField(_("plan title"), max_length=300, blank=True)
    content = models.JSONField(_("application content"), default=dict, blank=True)
    snapshot = models.JSONField(_("submitted snapshot"), null=True, blank=True, editable=False)
    requested_amount = models.BigIntegerField(_("requested amount"), null=True, blank=True)
    granted_amount = models.BigIntegerField(_("granted amount"), null=True, blank=True)
    review_score = models.DecimalField(_("review score"), max_digits=6, decimal_places=2, null=True, blank=True)
    review_result = models.CharField(_("review result"), max_length=20, choices=ReviewResult.choices, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    support_institution = models.ForeignKey("institutions.Institution", null=True, blank=True, on_delete=models.SET_NULL, related_name="supported_applications")
    # Procedures only: the checklist's data-use consent (unticked by default).
    data_use_consent = models.BooleanField(_("consent to data use"), default=False)
    certified_on = models.DateField(_("certified on"), null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Once-only: where each pre-filled field came from ({field: {class, source, recorded_at,
    # value}}), the data classes the applicant declined, and the fields the applicant confirmed.
    prefill = models.JSONField(_("pre-filled fields"), default=dict, blank=True, editable=False)
    declined_classes = models.JSONField(_("declined data classes"), default=list, blank=True, editable=False)
    confirmed_fields = models.JSONField(_("confirmed fields"), default=list, blank=True, editable=False)
    completion_report = models.TextField(_("completion report"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # How many times it was submitted (a correction after 差戻し is submitted again);
    # each submission's snapshot is kept in ApplicationSnapshot.
    submission_count = models.PositiveSmallIntegerField(default=0, editable=False)

    DATA_CLASSES = {
        "submission_count": PROGRAM_USAGE,
        "plan_title": APPLICATION_CONTENT, "content": APPLICATION_CONTENT, "frame": APPLICATION_CONTENT, "snapshot": APPLICATION_CONTENT, "requested_amount": APPLICATION_CONTENT,
        "review_score": REVIEW, "review_result": REVIEW, "reviewed_at": REVIEW,
        "program": PROGRAM_USAGE, "subsidy_round": PROGRAM_USAGE, "round_number": PROGRAM_USAGE, "fiscal_year": PROGRAM_USAGE, "implementation_fiscal_year": PROGRAM_USAGE,
        "status": PROGRAM_USAGE, "receipt_number": PROGRAM_USAGE, "granted_amount": PROGRAM_USAGE, "certified_on": PROGRAM_USAGE, "submitted_at": PROGRAM_USAGE,
        "data_use_consent": PROGRAM_USAGE, "is_procedure": PROGRAM_USAGE,
        "prefill": APPLICATION_CONTENT, "declined_classes": APPLICATION_CONTENT, "confirmed_fields": APPLICATION_CONTENT, "completion_report": APPLICATION_CONTENT, "completed_at": PROGRAM_USAGE,
        "support_institution": SUPPORT_INSTITUTION,
    }

    class Meta:
        indexes = [
            models.Index(fields=["business", "fiscal_year"]),
            models.Index(fields=["program", "fiscal_year", "round_number"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(review_score__isnull=True) | Q(review_score__gte=0), name="review_score_non_negative"),
            models.CheckConstraint(condition=Q(status="draft") | Q(receipt_number__isnull=False), name="submitted_has_receipt_number"),
            # One application per business and round (a second "start" opens the existing one).
            models.UniqueConstraint(fields=["business", "subsidy_round"], condition=Q(subsidy_round__isnull=False) & ~Q(status="withdrawn"),
                                    name="application_one_per_round"),
            # A procedure (経営力向上計画 …) has at most one open draft per business.
            models.UniqueConstraint(fields=["business", "program"], condition=Q(subsidy_round__isnull=True) & Q(status="draft"),
                                    name="application_one_draft_per_procedure"),
        ]

    def save(self, *args, **kwargs):
        # A stored, derived flag so that consent.access.procedure_rule_q can filter in SQL.
        self.is_procedure = self.program in PROCEDURES
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        number = self.receipt_number or _("(draft)")  # outside the f-string, where makemessages finds it
        return f"{self.get_program_display()} {number}"


class ApplicationEvent(models.Model):
    """Each status an application reached, once per submission cycle (`cycle` = the
    submission it belongs to; a correction after 差戻し starts the next): the unique
    constraint is what makes two concurrent submissions of one draft give one submission
    (the second fails and rolls back)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=Application.Status.choices)
    to_status = models.CharField(max_length=20, choices=Application.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    cycle = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "to_status", "cycle"], name="application_status_once_per_cycle")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


class ApplicationSnapshot(models.Model):
    """Every submitted version of an application, kept for good (append-only: a trigger
    refuses UPDATE and DELETE), so the applicant and the reviewer can compare them."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="snapshots")
    number = models.PositiveSmallIntegerField(_("submission"))
    data = models.JSONField(_("submitted snapshot"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    DATA_CLASSES = {"application": PROGRAM_USAGE, "data": APPLICATION_CONTENT, "number": PROGRAM_USAGE, "submitted_at": PROGRAM_USAGE}

    class Meta:
        ordering = ["application", "number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="application_snapshot_once")]

    def __str__(self) -> str:
        return f"{self.application_id} #{self.number}"


class ApplicationCorrection(models.Model):
    """A return for correction (差戻し): the reviewer's reason for each field. Shown to the
    applicant (it concerns the application's content, class 8, not the review score)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="corrections")
    cycle = models.PositiveSmallIntegerField()
    reasons = models.JSONField(_("reasons per field"))
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    returned_at = models.DateTimeField(auto_now_add=True)

    DATA_CLASSES = {"application": PROGRAM_USAGE, "reasons": APPLICATION_CONTENT, "cycle": PROGRAM_USAGE, "returned_at": PROGRAM_USAGE}

    class Meta:
        ordering = ["application", "cycle"]
        constraints = [models.UniqueConstraint(fields=["application", "cycle"], name="application_correction_once_per_cycle")]

    def __str__(self) -> str:
        return f"{self.application_id} 差戻し #{self.cycle}"
