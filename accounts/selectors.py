from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from .models import Membership, User

if TYPE_CHECKING:
    from .models import ApiToken



def me_summary(*, user: User) -> dict[str, Any]:
    business = user.business
    institution = user.institution if user.is_institution_staff else None
    return {
        "email": user.email,
        "roles": user.roles,
        "business": {"corporate_number": business.corporate_number, "name": business.name} if business else None,
        "institution": {"id": institution.pk, "name": institution.name, "kind": institution.kind} if institution else None,
    }


def member_list(*, viewer: User) -> QuerySet[Membership]:
    """Members of the viewer's business (the Prime holder's page)."""
    business = viewer.business
    if business is None:
        return Membership.objects.none()
    return Membership.objects.filter(business=business).select_related("user").order_by("account_type", "user__email")


def corporate_number_taken(number: str) -> bool:
    """Whether a business with this 法人番号 is registered (sign-up refuses a duplicate).

    Only existence is answered, to the person typing that very number; no data is read."""
    from companies.models import Business

    return Business.objects.filter(corporate_number=number).exists()


def member_for_prime(*, viewer: User, membership_id: int) -> Membership | None:
    """One Member row of the viewer's own business, or None (absent and not-yours alike)."""
    if not viewer.is_prime:
        return None
    return (
        Membership.objects.filter(pk=membership_id, business_id=viewer.membership.business_id,
                                  account_type=Membership.AccountType.MEMBER)
        .select_related("user")
        .first()
    )


def mypage_summary(*, user: User) -> dict[str, Any]:
    """What マイページ shows about the signed-in user's role (their own data only)."""
    membership = user.membership_or_none
    summary: dict[str, Any] = {"kind": user.kind, "roles": user.roles, "membership": None, "business": None,
                               "institution": None, "researcher": None, "member_count": 0}
    if membership is not None:
        business = membership.business
        summary["membership"] = membership
        summary["business"] = business
        if membership.account_type == Membership.AccountType.PRIME:
            summary["member_count"] = Membership.objects.filter(
                business_id=business.pk, account_type=Membership.AccountType.MEMBER).count()
    if user.is_institution_staff:
        summary["institution"] = user.institution
    if user.is_researcher:
        summary["researcher"] = getattr(user, "researcher_profile", None)
    return summary


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The user's API tokens, newest first (hashes only; the keys are never stored)."""
    from .models import ApiToken

    return ApiToken.objects.filter(user=user).order_by("-created_at")
