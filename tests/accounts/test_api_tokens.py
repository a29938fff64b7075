"""API tokens: stored hashed, expire, can be revoked, listed on the user's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.authentication import hash_key
from accounts.models import ApiToken
from accounts.services import api_token_issue
from tests.factories import UserFactory, mfa_login, prime_user

pytestmark = pytest.mark.django_db


def _me(api_client, key: str):
    return api_client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")


def test_the_key_is_not_stored_only_its_hash(api_client):
    user = UserFactory()
    token, key = api_token_issue(user=user, name="会計ソフト")
    row = ApiToken.objects.get(pk=token.pk)
    stored = [str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert key not in stored and row.key_hash == hash_key(key) and row.prefix == key[:8]
    assert _me(api_client, key).status_code == 200
    assert _me(api_client, row.key_hash).status_code == 401  # the hash is not a key
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_an_expired_token_is_refused(api_client):
    token, key = api_token_issue(user=UserFactory(), name="x", days=30)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = _me(api_client, key)
    assert response.status_code == 401 and response.json() == {"detail": "This token has expired."}


def test_a_revoked_token_is_refused_at_once(client, api_client):
    user = UserFactory()
    token, key = api_token_issue(user=user, name="x")
    assert _me(api_client, key).status_code == 200
    client.force_login(user)
    confirm = client.get(f"/mypage/api-tokens/{token.pk}/revoke/")
    assert confirm.status_code == 200 and token.prefix in confirm.content.decode()
    assert client.post(f"/mypage/api-tokens/{token.pk}/revoke/").status_code == 302
    assert _me(api_client, key).status_code == 401


def test_another_users_token_cannot_be_revoked(client):
    token, _key = api_token_issue(user=UserFactory(), name="x")
    client.force_login(UserFactory())
    assert client.get(f"/mypage/api-tokens/{token.pk}/revoke/").status_code == 404
    assert client.post(f"/mypage/api-tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_tokens_are_listed_on_my_page_and_created_there(client, api_client):
    user = UserFactory()
    api_token_issue(user=user, name="既存のトークン")
    client.force_login(user)
    page = client.get("/mypage/").content.decode()
    assert "既存のトークン" in page and "/mypage/api-tokens/" in page
    response = client.post("/mypage/api-tokens/", {"name": "新しい連携", "days": "30"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    key = response.context["new_key"]
    assert key and key in response.content.decode()
    assert _me(api_client, key).status_code == 200
    created = ApiToken.objects.get(user=user, name="新しい連携")
    assert dt.timedelta(days=29) < created.expires_at - timezone.now() <= dt.timedelta(days=30)
    assert key not in client.get("/mypage/api-tokens/").content.decode()  # shown once


def test_a_user_who_needs_mfa_gets_a_token_only_after_setting_it_up(client):
    prime = prime_user()
    mfa_login(client, prime)
    response = client.post("/mypage/api-tokens/", {"name": "x", "days": "90"})
    assert response.status_code == 200 and response.context["new_key"] is None
    assert not ApiToken.objects.filter(user=prime).exists()
