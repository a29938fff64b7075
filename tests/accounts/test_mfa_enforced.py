"""Prime holders, institution staff, agency staff and researchers reach nothing sensitive before passing MFA.

Walks EVERY URL pattern of the project (core.urlwalk), including those other apps add,
and signs in each such role by password only (force_login: no MFA step in the session).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from accounts.middleware import MFA_STAGE_URL_NAMES
from core.urlwalk import walk_urls
from tests.factories import (
    agency_staff,
    institution_staff,
    member_user,
    mfa_login,
    prime_user,
    researcher,
    with_totp,
)

pytestmark = pytest.mark.django_db

# Sign-in stages and public pages are open; everything else is closed until MFA is passed.
GUARDED = [u for u in walk_urls() if not u.public and u.name not in MFA_STAGE_URL_NAMES]

ROLES = {
    "prime": lambda: prime_user(),
    "agency_staff": agency_staff,
    "institution_staff": institution_staff,
    "researcher": researcher,
}


def _blocked(response) -> bool:
    if response.status_code == 403 and response["Content-Type"].startswith("application/json"):
        return response.json().get("detail") is not None
    if response.status_code != 302:
        return False
    target = urlsplit(response["Location"]).path
    return target in (reverse("account_login"), reverse("mfa_activate_totp"))


def test_the_allow_list_is_small():
    assert len(MFA_STAGE_URL_NAMES) <= 14
    assert "mfa_index" not in MFA_STAGE_URL_NAMES and "mfa_deactivate_totp" not in MFA_STAGE_URL_NAMES
    assert "account_change_password" not in MFA_STAGE_URL_NAMES and "account_email" not in MFA_STAGE_URL_NAMES


@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize("has_totp", [False, True], ids=["no-totp", "totp-not-passed"])
def test_no_guarded_url_is_reachable_without_mfa(client, role, has_totp):
    user = ROLES[role]()
    if has_totp:
        with_totp(user)
    client.password_only = True  # see tests/conftest.py: no MFA mark in the session
    leaks = []
    for url in GUARDED:
        client.force_login(user)
        response = client.get(url.path)
        if not _blocked(response):
            leaks.append(f"{url.path} ({url.name}) -> {response.status_code}")
    assert not leaks, f"{role} without MFA reached: {leaks}"


def test_without_totp_the_user_is_sent_to_set_it_up(client):
    user = prime_user()
    client.force_login(user)
    response = client.get("/mypage/members/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_activate_totp')}?next=/mypage/members/"


def test_with_totp_but_password_only_the_user_signs_in_again(client):
    user = prime_user()
    with_totp(user)
    client.force_login(user)
    response = client.get("/mypage/")
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session  # signed out, to come back through the TOTP step


def test_api_answers_403_in_the_api_shape(client):
    client.force_login(agency_staff())
    response = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 403
    assert response.json() == {"detail": "二要素認証が必要です。"}


def test_after_mfa_the_pages_open(client):
    user = prime_user()
    mfa_login(client, user)
    assert client.get("/mypage/").status_code == 200
    assert client.get("/mypage/members/").status_code == 200


def test_member_and_entry_need_no_mfa(client):
    owner = prime_user()
    member = member_user(owner.business)
    client.force_login(member)
    assert client.get("/mypage/").status_code == 200


def test_public_pages_stay_open_before_mfa(client):
    client.force_login(prime_user())
    assert client.get("/").status_code == 200
    assert client.get(reverse("mfa_activate_totp")).status_code in (200, 302)
    response = client.get(reverse("mfa_activate_totp"))
    assert not (response.status_code == 302 and urlsplit(response["Location"]).path == reverse("mfa_activate_totp"))


def test_the_way_to_totp_set_up_has_no_redirect_loop(client):
    """Set-up asks for the password again (allauth's reauthentication), which must be
    reachable before MFA, or the user would bounce between the two pages forever."""
    client.force_login(prime_user())
    response = client.get("/mypage/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))


def test_institution_staff_signed_in_by_password_only_reach_no_company_data(client):
    staff = institution_staff()
    client.password_only = True
    client.force_login(staff)
    response = client.get("/api/v1/disclosure-requests")
    assert response.status_code == 403
    response = client.get("/mypage/")
    assert response.status_code == 302 and urlsplit(response["Location"]).path == reverse("mfa_activate_totp")
