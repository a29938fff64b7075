"""Users and their roles, GビズID-style.

A business user belongs to exactly one Business through a Membership whose account type
is Entry (self-registered, unverified), Prime (the verified representative; at most one
per business) or Member (issued by the Prime holder, with the permissions it grants).
Other users are support-institution staff, SME Agency staff or researchers.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

if TYPE_CHECKING:
    from companies.models import Business



class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("kind", User.Kind.AGENCY_STAFF)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    class Kind(models.TextChoices):
        BUSINESS = "business", _("Business user")
        INSTITUTION_STAFF = "institution_staff", _("Support institution staff")
        AGENCY_STAFF = "agency_staff", _("SME Agency staff")
        RESEARCHER = "researcher", _("Researcher")

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BUSINESS, db_index=True)
    institution = models.ForeignKey(
        "institutions.Institution", null=True, blank=True, on_delete=models.PROTECT, related_name="staff",
        verbose_name=_("institution"),
    )
    preferred_language = models.CharField(_("language"), max_length=5, default="ja", choices=[("ja", "日本語"), ("en", "English")])
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="institution_staff", institution__isnull=False) | ~Q(kind="institution_staff"),
                name="institution_staff_has_institution",
            )
        ]

    def __str__(self) -> str:
        return self.email

    # Small role helpers; decisions about data are consent.access's, not these.
    @property
    def membership_or_none(self) -> Membership | None:
        try:
            return self.membership
        except Membership.DoesNotExist:
            return None

    @property
    def business(self) -> Business | None:
        membership = self.membership_or_none
        return membership.business if membership else None

    @property
    def is_business_user(self) -> bool:
        return self.kind == self.Kind.BUSINESS and self.membership_or_none is not None

    @property
    def is_prime(self) -> bool:
        membership = self.membership_or_none
        return membership is not None and membership.account_type == Membership.AccountType.PRIME

    @property
    def is_institution_staff(self) -> bool:
        return self.kind == self.Kind.INSTITUTION_STAFF and self.institution_id is not None

    @property
    def is_agency_staff(self) -> bool:
        return self.kind == self.Kind.AGENCY_STAFF

    @property
    def is_researcher(self) -> bool:
        return self.kind == self.Kind.RESEARCHER

    @property
    def requires_mfa(self) -> bool:
        """Prime holders, support-institution staff (who read named companies' data),
        agency staff and researchers must use two-factor authentication."""
        return self.is_prime or self.is_institution_staff or self.is_agency_staff or self.is_researcher

    @property
    def roles(self) -> list[str]:
        roles: list[str] = []
        membership = self.membership_or_none
        if membership is not None:
            roles.append("business")
            roles.append(membership.account_type)
        if self.is_institution_staff:
            roles.append("institution_staff")
        if self.is_agency_staff:
            roles.append("agency_staff")
        if self.is_researcher:
            roles.append("researcher")
            if researcher_is_approved(self):
                roles.append("approved_researcher")
        return roles


class Membership(TimeStampedModel):
    class AccountType(models.TextChoices):
        ENTRY = "entry", _("gBizID Entry")
        PRIME = "prime", _("gBizID Prime")
        MEMBER = "member", _("gBizID Member")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    business = models.ForeignKey("companies.Business", on_delete=models.CASCADE, related_name="memberships")
    account_type = models.CharField(_("account type"), max_length=10, choices=AccountType.choices)
    # What the Prime holder grants a Member.
    can_draft_applications = models.BooleanField(_("may draft applications"), default=False)
    can_view_records = models.BooleanField(_("may view the business record and history"), default=True)
    can_edit_record = models.BooleanField(_("may edit the business record"), default=False)
    issued_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    # Set by accounts.views.members for its template (not a column).
    permission_form: Any

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["business"], condition=Q(account_type="prime"), name="one_prime_per_business"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.account_type}) @ {self.business}"


class ResearcherProfile(TimeStampedModel):
    """A researcher's affiliation and the status of their EBPM pledge (seed 000 ②).

    The pledge workflow lives in analytics; the status lives here because the consent
    decision (recipient 4) must read it without importing analytics.
    """

    class PledgeStatus(models.TextChoices):
        NONE = "none", _("Not submitted")
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="researcher_profile")
    affiliation = models.CharField(_("research institution"), max_length=200)
    pledge_status = models.CharField(_("pledge status"), max_length=10, choices=PledgeStatus.choices, default=PledgeStatus.NONE)
    approved_until = models.DateField(_("approved until"), null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.pledge_status})"


def researcher_is_approved(user: object, *, on: dt.date | None = None) -> bool:
    profile = getattr(user, "researcher_profile", None) if user is not None else None
    if profile is None or profile.pledge_status != ResearcherProfile.PledgeStatus.APPROVED:
        return False
    today = on or timezone.localdate()
    return profile.approved_until is None or profile.approved_until >= today


class ApiToken(models.Model):
    """An API key. Only its SHA-256 is stored (the key is 256 random bits, so a plain
    hash is enough — no slow hash needed to resist guessing); the key itself is shown
    once, when issued. Each token has an expiry and can be revoked by its user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("token name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the key, to recognise it in the list (never enough to use).
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class LoginFailure(models.Model):
    """A failed sign-in, counted in the database (accounts/lockout.py), so the limits hold
    without Redis and across every web process."""

    email = models.CharField(max_length=254)
    ip = models.GenericIPAddressField()
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["email", "at"]), models.Index(fields=["ip", "at"])]

    def __str__(self) -> str:
        return f"{self.email} from {self.ip} at {self.at:%Y-%m-%d %H:%M}"
