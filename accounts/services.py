"""Writes about users, businesses and memberships."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Business
from companies.validators import is_valid_corporate_number, normalise_corporate_number
from core.audit import (
    audit_api_token_issued,
    audit_api_token_revoked,
    audit_member_added,
    audit_member_permissions_changed,
    audit_member_removed,
    audit_pledge_decided,
)
from core.errors import ApplicationError

from .models import ApiToken, Membership, User


@transaction.atomic
def business_register(*, user: User, corp_type: int, name: str, prefecture: str, corporate_number: str = "",
                      representative_name: str = "", address: str = "", municipality: str = "",
                      account_type: str = Membership.AccountType.ENTRY) -> Business:
    """A self-registered business starts as Entry; Prime comes with verification (GビズID)."""
    if user.membership_or_none is not None:
        raise ApplicationError(_("This account already belongs to a business."))
    number = normalise_corporate_number(corporate_number) if corp_type == Business.CorpType.CORPORATION else ""
    if corp_type == Business.CorpType.CORPORATION:
        if not is_valid_corporate_number(number):
            raise ApplicationError(errors={"corporate_number": [_("This corporate number's check digit is wrong. Please check the number.")]})
        if Business.objects.filter(corporate_number=number).exists():
            raise ApplicationError(errors={"corporate_number": [_("A business with this corporate number is already registered.")]})
    business = Business.objects.create(
        corp_type=corp_type, corporate_number=number or None, name=name, prefecture=prefecture,
        representative_name=representative_name, address=address, municipality=municipality,
    )
    Membership.objects.create(user=user, business=business, account_type=account_type)
    user.kind = User.Kind.BUSINESS
    user.save(update_fields=["kind"])
    return business


@transaction.atomic
def member_create(*, actor: User, email: str, full_name: str = "", can_draft_applications: bool = False,
                  can_edit_record: bool = False) -> User:
    """The Prime holder issues a Member account for a staff member."""
    if not actor.is_prime:
        raise ApplicationError(_("Only the Prime holder may add members."))
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise ApplicationError(errors={"email": [_("This e-mail address is already in use.")]})
    member = User.objects.create_user(email=email, password=None, full_name=full_name, kind=User.Kind.BUSINESS)
    Membership.objects.create(
        user=member, business=actor.business, account_type=Membership.AccountType.MEMBER,
        can_draft_applications=can_draft_applications, can_edit_record=can_edit_record, issued_by=actor,
    )
    audit_member_added(actor=actor, business_id=actor.business.pk, member=member,
                       can_draft_applications=can_draft_applications, can_edit_record=can_edit_record)
    from notifications.services import mail_enqueue

    mail_enqueue(to_user=member, template="member_added", category="accounts",
                 context={"business": actor.business.name, "prime_email": actor.email},
                 idempotency_key=f"member-added:{member.pk}", business_id=actor.business.pk)
    return member


def _member_of_actor_business(*, actor: User, membership_id: int) -> Membership:
    """The Member row of the actor's own business, locked; 404-like for anything else."""
    if not actor.is_prime:
        raise ApplicationError(_("Only the Prime holder may manage members."))
    membership = (
        Membership.objects.select_for_update()
        .filter(pk=membership_id, business_id=actor.membership.business_id, account_type=Membership.AccountType.MEMBER)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise Membership.DoesNotExist
    return membership


@transaction.atomic
def member_update_permissions(*, actor: User, membership_id: int, can_draft_applications: bool,
                              can_edit_record: bool) -> Membership:
    """The Prime holder changes what a Member may do."""
    membership = _member_of_actor_business(actor=actor, membership_id=membership_id)
    before = {"can_draft_applications": membership.can_draft_applications, "can_edit_record": membership.can_edit_record}
    membership.can_draft_applications = can_draft_applications
    membership.can_edit_record = can_edit_record
    membership.save(update_fields=["can_draft_applications", "can_edit_record", "updated_at"])
    audit_member_permissions_changed(actor=actor, business_id=membership.business_id, member=membership.user,
                                     before=before, after={"can_draft_applications": can_draft_applications,
                                                           "can_edit_record": can_edit_record})
    return membership


@transaction.atomic
def member_remove(*, actor: User, membership_id: int) -> None:
    """The Prime holder removes a Member: the membership ends and the account is closed
    (kept, inactive, because audit rows refer to it)."""
    membership = _member_of_actor_business(actor=actor, membership_id=membership_id)
    member = membership.user
    business_id = membership.business_id
    membership.delete()
    member.is_active = False
    member.save(update_fields=["is_active"])
    audit_member_removed(actor=actor, business_id=business_id, member=member)


_GBIZID_ACCOUNT_TYPES = {"1": Membership.AccountType.ENTRY, "2": Membership.AccountType.PRIME, "3": Membership.AccountType.MEMBER}


@transaction.atomic
def gbizid_link_business(*, user: User, claims: dict[str, Any]) -> Business | None:
    """Map GビズID claims onto the business and the user's account type."""
    info = claims.get("userinfo", claims)
    corp_type = str(info.get("corp_type", ""))
    number = normalise_corporate_number(info.get("corporate_number", ""))
    account_type = _GBIZID_ACCOUNT_TYPES.get(str(info.get("account_type", "")))
    if corp_type not in ("1", "2") or account_type is None or len(number) != 13 or not number.isdigit():
        raise ApplicationError(_("GBizID returned an account this portal cannot use."))
    if corp_type == "1":
        if not is_valid_corporate_number(number):
            raise ApplicationError(_("GBizID returned a corporate number with a wrong check digit."))
        business = Business.objects.filter(corporate_number=number).first()
    else:
        business = Business.objects.filter(gbizid_management_number=number).first()
    if business is None:
        business = Business.objects.create(
            corp_type=int(corp_type), name=info.get("corp_name") or info.get("name") or user.email,
            prefecture=str(info.get("prefecture_code", "13")).zfill(2)[:2], address=info.get("address", ""),
            representative_name=info.get("representative_name", ""),
            corporate_number=number if corp_type == "1" else None,
            gbizid_management_number=number if corp_type == "2" else None,
        )
    membership = user.membership_or_none
    if membership is None:
        if account_type == Membership.AccountType.PRIME and Membership.objects.filter(business=business, account_type="prime").exclude(user=user).exists():
            raise ApplicationError(_("This business already has a Prime holder."))
        Membership.objects.create(user=user, business=business, account_type=account_type)
    else:
        if membership.business_id != business.pk:
            raise ApplicationError(_("This account already belongs to another business."))
        if membership.account_type != account_type:
            membership.account_type = account_type
            membership.save(update_fields=["account_type", "updated_at"])
    if user.kind != User.Kind.BUSINESS:
        user.kind = User.Kind.BUSINESS
        user.save(update_fields=["kind"])
    return business


@transaction.atomic
def researcher_pledge_set_status(*, actor: User, profile, status: str, approved_until=None):
    """The one write of a researcher's pledge status (called by the analytics pledge flow)."""
    from .models import ResearcherProfile

    profile = ResearcherProfile.objects.select_for_update().get(pk=profile.pk)
    before = profile.pledge_status
    profile.pledge_status = status
    profile.approved_until = approved_until
    profile.save(update_fields=["pledge_status", "approved_until", "updated_at"])
    audit_pledge_decided(actor=actor, profile=profile, before=before, after=status)
    return profile


@transaction.atomic
def researcher_register(*, user: User, affiliation: str):
    """A signed-in person with no other role registers as a researcher of an institution
    (the EBPM pledge then goes through analytics)."""
    from .models import ResearcherProfile

    affiliation = (affiliation or "").strip()
    if not affiliation:
        raise ApplicationError(errors={"affiliation": [_("Please enter your research institution.")]})
    if user.membership_or_none is not None or user.is_institution_staff or user.is_agency_staff:
        raise ApplicationError(_("This account already has another role and cannot register as a researcher."))
    if user.kind != User.Kind.RESEARCHER:
        user.kind = User.Kind.RESEARCHER
        user.save(update_fields=["kind"])
    profile, _created = ResearcherProfile.objects.update_or_create(user=user, defaults={"affiliation": affiliation[:200]})
    return profile


# --- API tokens -------------------------------------------------------------------------------

API_TOKEN_DAYS = 90
API_TOKEN_MAX_DAYS = 365


def api_token_issue(*, user: User, name: str, days: int = API_TOKEN_DAYS) -> tuple[ApiToken, str]:
    """A new API key for `user`: returns the row and the key, which is shown once and
    stored only as its hash. A user who must use two-factor authentication gets a key
    only after setting it up (a key skips the sign-in steps)."""
    import secrets

    from .authentication import hash_key
    from .middleware import user_has_totp

    if user.requires_mfa and not user_has_totp(user):
        raise ApplicationError(errors={"non_field_errors": [_("Set up two-factor authentication before creating an API token.")]})
    name = (name or "").strip()[:100] or "API"
    days = max(1, min(int(days), API_TOKEN_MAX_DAYS))
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, key_hash=hash_key(key), prefix=key[:8],
                                        expires_at=timezone.now() + dt.timedelta(days=days))
        audit_api_token_issued(actor=user, token=token, prefix=token.prefix, expires_at=token.expires_at)
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: User, token_id: int) -> ApiToken:
    """Ends a token at once. Only its own user may revoke it; another's is "not found"."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
    if token is None:
        raise Http404
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_api_token_revoked(actor=actor, token=token, prefix=token.prefix)
    return token
