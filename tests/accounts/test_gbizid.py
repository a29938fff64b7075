"""GビズID over OpenID Connect: the claim mapping, and the real allauth login/callback with
the IdP faked at the HTTP boundary (the one external part that may be faked)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import requests.structures
from django.urls import reverse

from accounts.models import Membership, User
from accounts.services import gbizid_link_business
from companies.models import Business
from core.errors import ApplicationError
from tests.factories import BusinessFactory, UserFactory, next_corporate_number

pytestmark = pytest.mark.django_db

IDP = "https://gbizid.idp.test/oauth"


def _wrong_digit(number: str) -> str:
    return str((int(number[0]) % 9) + 1) + number[1:]


# --- the mapping, service level -----------------------------------------------------

@pytest.mark.parametrize("code, expected", [("1", "entry"), ("2", "prime"), ("3", "member")])
def test_account_type_claim_maps_to_membership(code, expected):
    user = UserFactory()
    number = next_corporate_number()
    business = gbizid_link_business(user=user, claims={"userinfo": {
        "account_type": code, "corp_type": "1", "corporate_number": number, "corp_name": "株式会社GビズテストA"}})
    assert business.corporate_number == number and business.corp_type == Business.CorpType.CORPORATION
    assert business.name == "株式会社GビズテストA"
    assert User.objects.get(pk=user.pk).membership.account_type == expected


def test_corporation_with_wrong_check_digit_is_refused_and_creates_nothing():
    user = UserFactory()
    with pytest.raises(ApplicationError):
        gbizid_link_business(user=user, claims={"account_type": 2, "corp_type": 1,
                                                "corporate_number": _wrong_digit(next_corporate_number())})
    assert not Business.objects.exists() and not Membership.objects.exists()


def test_sole_proprietor_management_number_is_not_check_digit_verified():
    user = UserFactory()
    number = "1000000000000"  # 13 digits, not a valid 法人番号
    business = gbizid_link_business(user=user, claims={"account_type": 2, "corp_type": 2, "corporate_number": number,
                                                       "name": "鈴木 商店"})
    assert business.corp_type == Business.CorpType.SOLE_PROPRIETOR
    assert business.corporate_number is None and business.gbizid_management_number == number


@pytest.mark.parametrize("claims", [
    {"account_type": 9, "corp_type": 1},
    {"account_type": 2, "corp_type": 3},
    {"account_type": 2, "corp_type": 1, "corporate_number": "12345"},
    {"account_type": 2, "corp_type": 2, "corporate_number": "12345abcdefgh"},
], ids=["account-type", "corp-type", "short", "letters"])
def test_unusable_claims_are_refused(claims):
    claims.setdefault("corporate_number", next_corporate_number())
    with pytest.raises(ApplicationError):
        gbizid_link_business(user=UserFactory(), claims=claims)
    assert not Membership.objects.exists()


def test_existing_business_is_reused_and_second_prime_refused():
    business = BusinessFactory()
    first, second = UserFactory(), UserFactory()
    claims = {"account_type": 2, "corp_type": 1, "corporate_number": business.corporate_number}
    assert gbizid_link_business(user=first, claims=claims) == business
    with pytest.raises(ApplicationError):
        gbizid_link_business(user=second, claims=claims)
    assert Business.objects.count() == 1
    assert not Membership.objects.filter(user=second).exists()


def test_account_type_follows_the_latest_claims():
    user = UserFactory()
    number = next_corporate_number()
    gbizid_link_business(user=user, claims={"account_type": 1, "corp_type": 1, "corporate_number": number})
    gbizid_link_business(user=User.objects.get(pk=user.pk), claims={"account_type": 2, "corp_type": 1, "corporate_number": number})
    assert Membership.objects.get(user=user).account_type == "prime"


# --- end to end through allauth, IdP faked at the HTTP boundary ---------------------

class FakeResponse:
    def __init__(self, payload, status=200):
        self.status_code = status
        self._payload = payload
        self.text = json.dumps(payload)
        self.content = self.text.encode()
        self.headers = requests.structures.CaseInsensitiveDict({"Content-Type": "application/json"})

    def json(self):
        return self._payload

    def raise_for_status(self):
        if self.status_code >= 400:
            raise requests.HTTPError(self.text)


@pytest.fixture
def fake_gbizid(settings, monkeypatch):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [{
        "provider_id": "gbizid", "name": "GビズID", "client_id": "mirasapo-test", "secret": "s3cret",
        "settings": {"server_url": IDP},
    }]}}
    state = {"userinfo": {}, "calls": []}

    def fake_request(session, method, url, *args, **kwargs):
        state["calls"].append((method.upper(), url))
        if url == f"{IDP}/.well-known/openid-configuration":
            return FakeResponse({
                "issuer": IDP, "authorization_endpoint": f"{IDP}/authorize", "token_endpoint": f"{IDP}/token",
                "userinfo_endpoint": f"{IDP}/userinfo", "jwks_uri": f"{IDP}/jwks",
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
            })
        if url == f"{IDP}/token":
            assert (kwargs.get("data") or {}).get("code") == "the-code"
            return FakeResponse({"access_token": "access-123", "token_type": "Bearer", "expires_in": 3600})
        if url == f"{IDP}/userinfo":
            assert kwargs["headers"]["Authorization"] == "Bearer access-123"
            return FakeResponse(state["userinfo"])
        raise AssertionError(f"unexpected outbound request {method} {url}")

    monkeypatch.setattr(requests.Session, "request", fake_request)
    return state


def _sign_in_with_gbizid(client, fake, userinfo):
    fake["userinfo"] = userinfo
    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": "gbizid"}))
    assert response.status_code == 302
    authorize = urlsplit(response["Location"])
    assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == f"{IDP}/authorize"
    query = parse_qs(authorize.query)
    assert query["client_id"] == ["mirasapo-test"]
    callback = reverse("openid_connect_callback", kwargs={"provider_id": "gbizid"})
    return client.get(callback, {"code": "the-code", "state": query["state"][0]})


def test_gbizid_prime_signs_in_and_gets_the_business(client, fake_gbizid):
    number = next_corporate_number()
    response = _sign_in_with_gbizid(client, fake_gbizid, {
        "sub": "gbiz-0001", "email": "daihyo@example.jp", "email_verified": True,
        "account_type": "2", "corp_type": "1", "corporate_number": number, "corp_name": "株式会社GビズE2E",
    })
    assert response.status_code == 302, response.content[:500]
    user = User.objects.get(email="daihyo@example.jp")
    assert user.membership.account_type == Membership.AccountType.PRIME
    assert user.business.corporate_number == number and user.business.name == "株式会社GビズE2E"
    assert user.socialaccount_set.get().uid == "gbiz-0001"
    assert ("POST", f"{IDP}/token") in fake_gbizid["calls"]
    # A Prime holder still has to set up / pass MFA in the portal before anything sensitive.
    follow = client.get("/mypage/members/")
    assert follow.status_code == 302 and follow["Location"].startswith(reverse("mfa_activate_totp"))


def test_gbizid_wrong_check_digit_creates_no_user(client, fake_gbizid):
    response = _sign_in_with_gbizid(client, fake_gbizid, {
        "sub": "gbiz-0002", "email": "bad@example.jp", "account_type": "2", "corp_type": "1",
        "corporate_number": _wrong_digit(next_corporate_number()),
    }, )
    assert response.status_code == 400
    assert "チェックデジット" in response.content.decode() or "check digit" in response.content.decode()
    assert not User.objects.filter(email="bad@example.jp").exists()
    assert not Business.objects.exists()


def test_gbizid_sole_proprietor_end_to_end(client, fake_gbizid):
    response = _sign_in_with_gbizid(client, fake_gbizid, {
        "sub": "gbiz-0003", "email": "kojin@example.jp", "account_type": "1", "corp_type": "2",
        "corporate_number": "9000000000001", "name": "山田 屋",
    })
    assert response.status_code == 302
    business = User.objects.get(email="kojin@example.jp").business
    assert business.corp_type == 2 and business.gbizid_management_number == "9000000000001"
