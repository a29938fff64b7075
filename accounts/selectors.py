from __future__ import annotations

from typing import Any

from .models import Membership, User


def me_summary(*, user: User) -> dict[str, Any]:
    business = user.business
    institution = user.institution if user.is_institution_staff else None
    return {
        "email": user.email,
        "roles": user.roles,
        "business": {"corporate_number": business.corporate_number, "name": business.name} if business else None,
        "institution": {"id": institution.pk, "name": institution.name, "kind": institution.kind} if institution else None,
    }


def member_list(*, viewer: User):
    """Members of the viewer's business (the Prime holder's page)."""
    business = viewer.business
    if business is None:
        return Membership.objects.none()
    return Membership.objects.filter(business=business).select_related("user").order_by("account_type", "user__email")
