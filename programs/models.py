"""The catalogue: support programs (支援制度) and case studies (事例).

Both carry a denormalised `search_text` (title, agency, summary, body, tags) with a GIN
trigram index (pg_trgm): Japanese has no spaces between words, so a word in the middle of
a sentence is found by trigram-indexed substring search and ranked by trigram similarity
(programs.selectors.search). Targeting fields (industries, prefectures, sizes, themes)
are arrays so that eligibility is one indexed SQL condition.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from companies.models import Challenge
from core.japanese import normalise, search_document
from core.models import TimeStampedModel
from core.search_fields import search_vector_field

# The challenge themes (companies.Challenge.Theme) as the catalogue labels them; kept here
# so that the catalogue and its recommendations carry their own translations.
THEME_CHOICES = [
    (Challenge.Theme.SALES.value, _("Sales channels")),
    (Challenge.Theme.PRODUCTIVITY.value, _("Productivity and IT")),
    (Challenge.Theme.FINANCE.value, _("Finance")),
    (Challenge.Theme.HR.value, _("Hiring and people")),
    (Challenge.Theme.SUCCESSION.value, _("Succession")),
    (Challenge.Theme.OVERSEAS.value, _("Overseas expansion")),
    (Challenge.Theme.DISASTER.value, _("Disaster preparedness")),
    (Challenge.Theme.INNOVATION.value, _("New products and innovation")),
]
THEME_LABELS = dict(THEME_CHOICES)


class SizeBand(models.TextChoices):
    MICRO = "micro", _("Micro (up to 5 employees)")
    SMALL = "small", _("Small (6-20 employees)")
    MEDIUM = "medium", _("Medium (21-100 employees)")
    LARGE = "large", _("Larger (over 100 employees)")


def size_band_of(employees: int | None) -> str:
    if employees is None or employees <= 5:
        return SizeBand.MICRO
    if employees <= 20:
        return SizeBand.SMALL
    if employees <= 100:
        return SizeBand.MEDIUM
    return SizeBand.LARGE


def build_search_text(*parts) -> str:
    """The parts in the normalised form search compares (programs/search.py); the first
    line is the title."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, (list, tuple)):
            out.extend(normalise(p) for p in part)
        elif part:
            out.append(normalise(part))
    return "\n".join(out)


class SupportProgram(TimeStampedModel):
    class Kind(models.TextChoices):
        SUBSIDY = "subsidy", _("Subsidy")
        LOAN = "loan", _("Loan")
        TAX = "tax", _("Tax incentive")
        EXPERT = "expert", _("Expert dispatch and consultation")
        CERTIFICATION = "certification", _("Certification of a plan")

    name = models.CharField(_("name"), max_length=200)
    agency = models.CharField(_("agency"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SUBSIDY)
    summary = models.TextField(_("summary"))
    body = models.TextField(_("details"), blank=True)
    # Empty = every industry; otherwise JSIC middle-class codes.
    industries = ArrayField(models.CharField(max_length=2), default=list, blank=True, verbose_name=_("target industries"))
    # Empty = nationwide; otherwise JIS X 0401 codes.
    prefectures = ArrayField(models.CharField(max_length=2), default=list, blank=True, verbose_name=_("prefectures"))
    # Empty = every municipality of the prefectures; otherwise a municipal program's towns.
    municipalities = ArrayField(models.CharField(max_length=100), default=list, blank=True, verbose_name=_("municipalities"))
    # A program for starting a business (創業): only for businesses founded at most this many years ago.
    max_business_age = models.PositiveSmallIntegerField(_("for businesses founded within (years)"), null=True, blank=True)
    min_employees = models.PositiveIntegerField(_("minimum employees"), null=True, blank=True)
    max_employees = models.PositiveIntegerField(_("maximum employees"), null=True, blank=True)
    themes = ArrayField(models.CharField(max_length=20, choices=Challenge.Theme.choices), default=list, blank=True, verbose_name=_("themes"))
    amount_max = models.BigIntegerField(_("maximum amount (yen)"), null=True, blank=True)
    rate = models.CharField(_("subsidy rate"), max_length=40, blank=True)
    opens_on = models.DateField(_("application opens"), null=True, blank=True)
    deadline = models.DateField(_("application deadline"), null=True, blank=True, db_index=True)
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True, verbose_name=_("tags"))
    url = models.URLField(_("link"), blank=True)
    # The applications.Program code where the portal takes applications for it (CF signal).
    application_program = models.CharField(max_length=30, blank=True, db_index=True)
    published_at = models.DateTimeField(_("published at"), db_index=True)
    # Simulation assumptions (shown to the user with the projection).
    assumed_sales_uplift = models.DecimalField(_("assumed yearly sales uplift"), max_digits=5, decimal_places=3, default=0)
    assumed_cost_saving = models.DecimalField(_("assumed cost saving (share of sales)"), max_digits=5, decimal_places=3, default=0)
    assumed_investment = models.BigIntegerField(_("assumed investment (yen)"), null=True, blank=True)
    search_text = models.TextField(editable=False, default="")
    # The search document (core.japanese.search_document; programs/search.py).
    search_tokens = ArrayField(models.TextField(), default=list, blank=True, editable=False)
    search_vector = search_vector_field()

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [
            GinIndex(fields=["search_vector"], name="program_search_vector"),
            GinIndex(fields=["search_text"], name="program_search_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(fields=["name"], name="program_name_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(fields=["industries"], name="program_industries_gin"),
            GinIndex(fields=["prefectures"], name="program_prefectures_gin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_employees__isnull=True) | Q(max_employees__isnull=True) | Q(min_employees__lte=models.F("max_employees")),
                name="program_employee_range",
            ),
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True) | Q(deadline__isnull=True) | Q(opens_on__lte=models.F("deadline")),
                name="program_period_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def refresh_search_text(self) -> None:
        self.search_text = build_search_text(self.name, self.agency, self.summary, self.body, self.tags)
        self.search_tokens = search_document(self.name, self.agency, self.summary, self.body, self.tags)

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text", "search_tokens"}
        super().save(*args, **kwargs)

    @property
    def nationwide(self) -> bool:
        return not self.prefectures

    def is_open_on(self, day) -> bool:
        return (self.opens_on is None or self.opens_on <= day) and (self.deadline is None or day <= self.deadline)


class CaseStudy(TimeStampedModel):
    title = models.CharField(_("title"), max_length=200)
    company_label = models.CharField(_("company"), max_length=100)
    industry_jsic = models.CharField(_("industry (JSIC)"), max_length=2, db_index=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    size_band = models.CharField(_("size"), max_length=10, choices=SizeBand.choices, db_index=True)
    prefecture = models.CharField(_("prefecture"), max_length=2, db_index=True)
    themes = ArrayField(models.CharField(max_length=20, choices=Challenge.Theme.choices), default=list, blank=True, verbose_name=_("themes"))
    challenge = models.TextField(_("challenge"))
    actions = models.TextField(_("what it did"))
    results = models.TextField(_("results"))
    programs = models.ManyToManyField(SupportProgram, blank=True, related_name="case_studies", verbose_name=_("programs used"))
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True, verbose_name=_("tags"))
    published_on = models.DateField(_("published on"))
    search_text = models.TextField(editable=False, default="")
    search_tokens = ArrayField(models.TextField(), default=list, blank=True, editable=False)
    search_vector = search_vector_field()

    class Meta:
        ordering = ["-published_on", "id"]
        verbose_name_plural = "case studies"
        indexes = [
            GinIndex(fields=["search_vector"], name="case_search_vector"),
            GinIndex(fields=["search_text"], name="case_search_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(fields=["title"], name="case_title_trgm", opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self) -> str:
        return self.title

    def refresh_search_text(self) -> None:
        self.search_text = build_search_text(self.title, self.company_label, self.challenge, self.actions, self.results, self.tags)
        self.search_tokens = search_document(self.title, self.company_label, self.challenge, self.actions, self.results, self.tags)

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text", "search_tokens"}
        super().save(*args, **kwargs)
