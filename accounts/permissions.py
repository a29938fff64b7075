"""Roles, declared once: which callers a page or API view serves.

A role is a name; `ROLES` says how a signed-in user holds it. Pages use
`@role_required("agency_staff")`, API views `permission_classes = [HasRole.of("agency_staff")]`;
both record the roles on the view (`required_roles`) so that the URL walk can test them.

When the answer is 403 and when 404 (the one rule, also in DEVELOPERS.md):

1. Not signed in: a page redirects to sign-in; the API answers 401/403.
2. Signed in without a role the URL serves (an institution's staff member on the agency's
   review queue): 403 — decided before anything is looked up, so the answer never depends
   on what exists. Which areas exist is no secret; the URLs are documented.
3. With the role, an object named in the URL that the caller may not see — absent, another
   business's, another institution's, hidden: 404, the same for both (fetch-and-authorise in
   one selector, e.g. `application_for_applicant_or_404`), so existence never leaks.
4. With the role and the object, an action that needs more within the business (a Member
   where only the Prime holder may act): 403 — the caller already knows the object.

tests/accounts/test_roles.py walks every URL and checks rule 2 for each view that
declares its roles, with a user of every other role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from accounts.models import User


View = Callable[..., HttpResponseBase]


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a page behind role_required / login_required: its user is signed in.
    Only an annotation for the type checker; Django builds a plain HttpRequest."""

    user: User
    htmx: HtmxDetails  # django_htmx.middleware.HtmxMiddleware sets it on every request


class AuthenticatedRequest(Request):
    """The DRF request of an API view whose permission class requires a signed-in user."""

    user: User


def _membership(user: object) -> Any:
    return getattr(user, "membership_or_none", None)


def _account_type(user: object) -> str | None:
    membership = _membership(user)
    return membership.account_type if membership is not None else None


ROLES: dict[str, Callable[[Any], bool]] = {
    # A user acting for a business (any of Entry, Prime, Member).
    "business": lambda user: bool(getattr(user, "is_business_user", False)),
    # The gBizID Prime holder of a business.
    "prime": lambda user: bool(getattr(user, "is_business_user", False)) and _account_type(user) == "prime",
    # A Member account of a business (not Prime, not the unverified Entry).
    "member": lambda user: bool(getattr(user, "is_business_user", False)) and _account_type(user) == "member",
    "institution_staff": lambda user: bool(getattr(user, "is_institution_staff", False)),
    "agency_staff": lambda user: bool(getattr(user, "is_agency_staff", False)),
    "researcher": lambda user: bool(getattr(user, "is_researcher", False)),
}


def _check(roles: Iterable[str]) -> frozenset[str]:
    names = frozenset(roles)
    if not names:
        raise ValueError("Name at least one role.")
    unknown = names - set(ROLES)
    if unknown:
        raise ValueError(f"Unknown roles: {sorted(unknown)}; known: {sorted(ROLES)}")
    return names


def has_role(user: object, *roles: str) -> bool:
    """True when the signed-in `user` holds any of `roles`."""
    if not getattr(user, "is_authenticated", False):
        return False
    return any(ROLES[name](user) for name in _check(roles))


def role_required(*roles: str) -> Callable[[View], View]:
    """Pages: sign-in first (rule 1), then 403 without one of `roles` (rule 2)."""
    names = _check(roles)

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not has_role(request.user, *names):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_roles = names  # type: ignore[attr-defined]
        return wrapper

    return decorator


class HasRole(BasePermission):
    """API views: `permission_classes = [HasRole.of("agency_staff")]`. DRF answers 401/403
    to an anonymous caller (rule 1) and 403 to a caller without the role (rule 2)."""

    roles: frozenset[str] = frozenset()

    @classmethod
    def of(cls, *roles: str) -> type[HasRole]:
        names = _check(roles)
        return type(f"HasRole_{'_'.join(sorted(names))}", (cls,), {"roles": names})

    def has_permission(self, request: Request, view: object) -> bool:
        return has_role(request.user, *self.roles)


def required_roles_of(callback: object) -> frozenset[str] | None:
    """The roles a URL's view declares (page decorator or DRF permission), or None."""
    roles = getattr(callback, "required_roles", None)
    if roles is not None:
        return frozenset(roles)
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    for permission in getattr(view_class, "permission_classes", ()) or ():
        if isinstance(permission, type) and issubclass(permission, HasRole) and permission.roles:
            return permission.roles
    return None
