"""The business (事業者) and its record (個社情報), registered once and reused.

Every field here belongs to exactly one data class of the policy table; the mapping is
declared beside the model as DATA_CLASSES and read by consent.registry, the one registry
every app uses. Identity and attributes (class 1) live on Business itself.
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consent.registry import (
    BUSINESS,
    BUSINESS_PLAN,
    CHALLENGES,
    CONTACT_PERSON,
    FINANCIALS,
    IDENTITY,
    JOINT_APPLICANTS,
    SUCCESSION,
)
from core.models import TimeStampedModel

from .validators import validate_corporate_number


class Source(models.TextChoices):
    BUSINESS = "business", _("Entered by the business")
    APPLICATION = "application", _("From an application")
    PARTNER = "partner", _("From a partner system")
    GBIZID = "gbizid", _("From GBizID")
    DEMO = "demo", _("Demo data")


class Business(TimeStampedModel):
    class CorpType(models.IntegerChoices):
        CORPORATION = 1, _("Corporation (法人)")
        SOLE_PROPRIETOR = 2, _("Sole proprietor (個人事業主)")

    corp_type = models.PositiveSmallIntegerField(_("type of business"), choices=CorpType.choices)
    # For a 法人 the 法人番号 (check digit verified); a 個人事業主 has none here.
    corporate_number = models.CharField(_("corporate number"), max_length=13, null=True, blank=True, unique=True, validators=[validate_corporate_number])
    # GビズID's 13-digit management number for a sole proprietor (no check digit).
    gbizid_management_number = models.CharField(_("GBizID management number"), max_length=13, null=True, blank=True, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_kana = models.CharField(_("name (kana)"), max_length=200, blank=True)
    prefecture = models.CharField(_("prefecture"), max_length=2, db_index=True, help_text="JIS X 0401 code")
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    representative_name = models.CharField(_("representative"), max_length=100, blank=True)
    representative_birth_date = models.DateField(_("representative's date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    capital = models.BigIntegerField(_("capital (yen)"), null=True, blank=True, validators=[MinValueValidator(0)])
    offices = models.PositiveIntegerField(_("offices"), null=True, blank=True)
    founded_year = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True)
    industry_jsic = models.CharField(_("industry (JSIC middle class)"), max_length=4, blank=True, db_index=True)
    # Where the identity items came from and when; a field changed later has its own
    # provenance in RecordChange (the latest change of that field).
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.BUSINESS)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    DATA_CLASSES = {
        field: IDENTITY
        for field in [
            "corp_type", "corporate_number", "gbizid_management_number", "name", "name_kana", "prefecture",
            "municipality", "address", "representative_name", "representative_birth_date", "phone",
            "employees", "capital", "offices", "founded_year", "industry_jsic",
        ]
    }

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(corp_type=1, corporate_number__isnull=False) | Q(corp_type=2, corporate_number__isnull=True),
                name="business_corporate_number_iff_corporation",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_corporation(self) -> bool:
        return self.corp_type == self.CorpType.CORPORATION

    @property
    def industry_major(self) -> str:
        """JSIC major division letter is not derivable from the 2-digit middle code alone;
        companies.reference.JSIC_MIDDLE maps it."""
        from .reference import jsic_major_of

        return jsic_major_of(self.industry_jsic)


class RecordItem(TimeStampedModel):
    """Common provenance of record rows: where the data came from and when."""

    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.BUSINESS)
    source_detail = models.CharField(_("source detail"), max_length=200, blank=True, help_text="partner id, batch id or application receipt number")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        abstract = True


class JointApplicant(RecordItem):
    """Class 2: partner companies and organisations the business belongs to."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="joint_applicants")
    name = models.CharField(_("name"), max_length=200)
    corporate_number = models.CharField(_("corporate number"), max_length=13, blank=True)
    relationship = models.CharField(_("relationship"), max_length=100, blank=True)

    DATA_CLASSES = {"name": JOINT_APPLICANTS, "corporate_number": JOINT_APPLICANTS, "relationship": JOINT_APPLICANTS}


class BusinessProfile(RecordItem):
    """Class 3: what the business does, its customers, suppliers, patents, shareholders."""

    business = models.OneToOneField(Business, on_delete=models.CASCADE, related_name="profile")
    description = models.TextField(_("business description"), blank=True)
    main_products = models.TextField(_("main products and services"), blank=True)
    customers = models.TextField(_("main customers"), blank=True)
    suppliers = models.TextField(_("main suppliers"), blank=True)
    patents = models.TextField(_("patents"), blank=True)
    shareholders = models.TextField(_("shareholders"), blank=True)
    consumption_tax_status = models.CharField(
        _("consumption tax status"), max_length=20, blank=True,
        # Seed 003 §12: ① not a taxpayer, ② exempt, ③ simplified taxation may book tax-included.
        choices=[("taxable", _("Taxable (課税事業者)")), ("not_taxpayer", _("Not a taxpayer (納税義務者とならない者)")),
                 ("exempt", _("Exempt (免税事業者)")), ("simplified", _("Simplified taxation (簡易課税)"))],
    )

    DATA_CLASSES = {f: BUSINESS for f in ["description", "main_products", "customers", "suppliers", "patents", "shareholders", "consumption_tax_status"]}


class Succession(RecordItem):
    """Class 4: business succession."""

    business = models.OneToOneField(Business, on_delete=models.CASCADE, related_name="succession")
    form = models.CharField(_("form of succession"), max_length=100, blank=True)
    status = models.CharField(_("succession status"), max_length=100, blank=True)
    successor_name = models.CharField(_("successor"), max_length=100, blank=True)
    successor_relationship = models.CharField(_("successor's relationship"), max_length=100, blank=True)

    DATA_CLASSES = {f: SUCCESSION for f in ["form", "status", "successor_name", "successor_relationship"]}


class ContactPerson(RecordItem):
    """Class 5: the person in charge of applications."""

    business = models.OneToOneField(Business, on_delete=models.CASCADE, related_name="contact_person")
    name = models.CharField(_("contact name"), max_length=100)
    department = models.CharField(_("department"), max_length=100, blank=True)
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)

    DATA_CLASSES = {f: CONTACT_PERSON for f in ["name", "department", "phone", "email"]}


class FinancialYear(RecordItem):
    """Class 6: financials of one fiscal year, in yen. Value added (付加価値額) is derived:
    operating profit + personnel cost + depreciation (the subsidy's definition)."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="financials")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    sales = models.BigIntegerField(_("sales"), null=True, blank=True)
    gross_profit = models.BigIntegerField(_("gross profit"), null=True, blank=True)
    operating_profit = models.BigIntegerField(_("operating profit"), null=True, blank=True)
    ordinary_profit = models.BigIntegerField(_("ordinary profit"), null=True, blank=True)
    net_income = models.BigIntegerField(_("net income"), null=True, blank=True)
    depreciation = models.BigIntegerField(_("depreciation"), null=True, blank=True)
    personnel_cost = models.BigIntegerField(_("personnel cost"), null=True, blank=True)
    total_assets = models.BigIntegerField(_("total assets"), null=True, blank=True)
    net_assets = models.BigIntegerField(_("net assets"), null=True, blank=True)
    interest_bearing_debt = models.BigIntegerField(_("interest-bearing debt"), null=True, blank=True)
    cash_and_deposits = models.BigIntegerField(_("cash and deposits"), null=True, blank=True)
    receivables = models.BigIntegerField(_("trade receivables"), null=True, blank=True)
    inventory = models.BigIntegerField(_("inventory"), null=True, blank=True)
    payables = models.BigIntegerField(_("trade payables"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees at year end"), null=True, blank=True)

    DATA_CLASSES = {
        f: FINANCIALS
        for f in [
            "fiscal_year", "sales", "gross_profit", "operating_profit", "ordinary_profit", "net_income",
            "depreciation", "personnel_cost", "total_assets", "net_assets", "interest_bearing_debt",
            "cash_and_deposits", "receivables", "inventory", "payables", "employees",
        ]
    }

    class Meta:
        ordering = ["business_id", "fiscal_year"]
        constraints = [models.UniqueConstraint(fields=["business", "fiscal_year"], name="financial_year_unique")]

    @property
    def value_added(self) -> int | None:
        parts = [self.operating_profit, self.personnel_cost, self.depreciation]
        known = [p for p in parts if p is not None]
        return sum(known) if len(known) == len(parts) else None


class BusinessPlan(RecordItem):
    """Class 7: the business plan the business keeps and reuses across applications."""

    business = models.OneToOneField(Business, on_delete=models.CASCADE, related_name="business_plan")
    overview = models.TextField(_("company overview"), blank=True)
    market = models.TextField(_("customers and market trends"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    management_policy = models.TextField(_("management policy and goals"), blank=True)

    DATA_CLASSES = {f: BUSINESS_PLAN for f in ["overview", "market", "strengths", "management_policy"]}


class Challenge(RecordItem):
    """Class 11: the business's management challenges (used for recommendations)."""

    class Theme(models.TextChoices):
        SALES = "sales", _("Sales channels")
        PRODUCTIVITY = "productivity", _("Productivity and IT")
        FINANCE = "finance", _("Finance")
        HR = "hr", _("Hiring and people")
        SUCCESSION = "succession", _("Succession")
        OVERSEAS = "overseas", _("Overseas expansion")
        DISASTER = "disaster", _("Disaster preparedness")
        INNOVATION = "innovation", _("New products and innovation")

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="challenges")
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    description = models.TextField(_("description"), blank=True)

    DATA_CLASSES = {"theme": CHALLENGES, "description": CHALLENGES}

    class Meta:
        constraints = [models.UniqueConstraint(fields=["business", "theme"], name="challenge_unique_theme")]


class RecordChange(models.Model):
    """History of the business record: one row per changed field, with before and after.

    The latest change of a field is also that field's provenance (where the value came
    from and when); fields never changed take the provenance of their row.
    """

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="record_changes")
    model = models.CharField(max_length=60)  # label_lower, e.g. "companies.financialyear"
    object_id = models.BigIntegerField()
    field = models.CharField(max_length=60)
    data_class = models.PositiveSmallIntegerField()
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.BUSINESS)
    source_detail = models.CharField(_("source detail"), max_length=200, blank=True)
    changed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["business", "model", "object_id", "field"])]

    def __str__(self) -> str:
        return f"{self.model}.{self.field} @ {self.changed_at:%Y-%m-%d}"
