"""Roles declared once (accounts/permissions.py) and the one rule for 403 vs 404, tested
over every URL of the project: a signed-in caller without a role that a URL serves gets
403, decided before anything is looked up (so the dummy ids of the walk never matter)."""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse
from rest_framework.test import APIClient

from accounts.permissions import (
    ROLES,
    HasRole,
    has_role,
    required_roles_of,
    role_required,
)
from core.urlwalk import walk_urls
from tests.factories import (
    BusinessFactory,
    agency_staff,
    business_user,
    institution_staff,
    member_user,
    mfa_login,
    prime_user,
    researcher,
)

pytestmark = pytest.mark.django_db


def _declared():
    found = []
    for url in walk_urls():
        if url.public or url.self_guarded:
            continue
        roles = required_roles_of(resolve(url.path).func)
        if roles is not None:
            found.append((url, roles))
    return found


DECLARED = _declared()


def test_roles_are_declared_on_the_role_specific_pages_and_apis():
    names = {url.name for url, _roles in DECLARED}
    assert len(DECLARED) >= 30
    assert {"analytics:dashboard", "disclosure:inbox", "linkage:review_list", "applications:review-list",
            "applications:history"} <= names, sorted(names)
    assert all(roles <= set(ROLES) for _url, roles in DECLARED)


@pytest.fixture
def users():
    business = BusinessFactory()
    return {
        "prime": prime_user(business),
        "member": member_user(business, can_view_records=True, can_draft_applications=True, can_edit_record=True),
        "entry": business_user(business=business, account_type="entry"),
        "institution_staff": institution_staff(),
        "agency_staff": agency_staff(),
        "researcher": researcher(),
    }


def _answer(client, path: str) -> int:
    response = client.get(path)
    if response.status_code == 405:
        response = client.post(path, {})
    return response.status_code


def test_a_caller_without_the_role_gets_403_on_every_url(users):
    failures = []
    client = APIClient()
    for name, user in users.items():
        mfa_login(client, user)
        for url, roles in DECLARED:
            if has_role(user, *roles):
                continue
            status = _answer(client, url.path)
            if status != 403:
                failures.append(f"{url.path} ({url.name}, roles {sorted(roles)}) answered {status} to {name}")
    assert failures == []


# The URLs that declare no role, each with why: they serve every signed-in user, or whoever
# a decision of their own allows, or a caller that authenticates by other means. Every
# other URL that is not public names its roles, so the walk above tests it.
SERVES_EVERY_SIGNED_IN_USER = {
    "accounts:mypage": "each user's own page",
    "accounts:api-tokens": "each user's own API tokens",
    "accounts:api-token-revoke": "each user's own API tokens (another's is a 404)",
    "notifications:preferences": "each user's own mail settings",
    "notifications:notices": "each user's own notices",
    "api-me": "each user's own account",
    "analytics:researcher_register": "a person with no role yet registers as a researcher (the roles are refused 403)",
    "documents:file": "the consent decision says who receives a document (its business, an institution under a grant)",
    "api-document-file": "the consent decision says who receives a document (its business, an institution under a grant)",
    "api-partner-records": "partner systems authenticate with their key, not as a user",
}


def test_every_url_declares_its_roles_or_says_why_not():
    """A new page or API view without `role_required` / `HasRole.of` fails here, so the
    403-vs-404 walk above cannot miss it."""
    admin = reverse("admin:index")
    undeclared = sorted(
        url.name or url.path for url in walk_urls()
        if not (url.public or url.self_guarded or url.path.startswith(admin))
        and required_roles_of(resolve(url.path).func) is None
        and url.name not in SERVES_EVERY_SIGNED_IN_USER
    )
    assert undeclared == []


def test_has_role_reads_the_user():
    business = BusinessFactory()
    prime, entry = prime_user(business), business_user(business=business, account_type="entry")
    assert has_role(prime, "prime") and has_role(prime, "business") and not has_role(prime, "member")
    assert has_role(entry, "business") and not has_role(entry, "prime", "member")
    assert has_role(agency_staff(), "agency_staff") and not has_role(agency_staff(), "researcher")


def test_unknown_role_names_fail_at_declaration():
    with pytest.raises(ValueError):
        role_required("admin")
    with pytest.raises(ValueError):
        HasRole.of("prime", "superuser")
    with pytest.raises(ValueError):
        role_required()
