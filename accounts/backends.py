"""The two authentication backends the portal uses (Django's and allauth's), loading the
signed-in user of a session together with its membership (issue 16).

Every signed-in request reads the membership: the MFA rule (a Prime holder must pass
it), the role checks and the navigation. Loaded with the user in one query (a LEFT JOIN
on the one-to-one, its SQL built once: accounts.lookups), it is one round trip a request
fewer; a user without a membership comes back with none cached, and asking for it costs
no query either.
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import (
    AuthenticationBackend as AllauthAuthenticationBackend,
)
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend


def _user_with_membership(backend: DjangoModelBackend, user_id: Any) -> Any:
    from .lookups import user_with_membership

    user = user_with_membership(user_id)
    return user if user is not None and backend.user_can_authenticate(user) else None


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id: Any) -> Any:
        return _user_with_membership(self, user_id)


class AuthenticationBackend(AllauthAuthenticationBackend):  # type: ignore[misc]  # allauth ships no type information
    def get_user(self, user_id: Any) -> Any:
        return _user_with_membership(self, user_id)
