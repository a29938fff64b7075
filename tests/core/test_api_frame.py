"""The API frame of api.md: error shapes, language, OpenAPI schema and docs without a CDN."""

from __future__ import annotations

import re

import pytest

from accounts.authentication import hash_key
from accounts.models import ApiToken
from accounts.services import api_token_issue
from tests.factories import business_user, prime_user, with_totp

pytestmark = pytest.mark.django_db


def test_400_has_the_errors_shape_in_japanese(api_client):
    response = api_client.get("/api/v1/corporate-numbers/1234567890123", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 400
    body = response.json()
    assert body["valid"] is False
    assert body["errors"] == {"corporate_number": ["法人番号のチェックデジットが正しくありません。番号をご確認ください。"]}


def test_400_in_english_with_accept_language_en(api_client):
    response = api_client.get("/api/v1/corporate-numbers/12345", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"] == {"corporate_number": ["A corporate number is 13 digits."]}


def test_valid_corporate_number(api_client):
    from companies.validators import make_corporate_number

    number = make_corporate_number("700110005901"[:12])
    response = api_client.get(f"/api/v1/corporate-numbers/{number}")
    assert response.status_code == 200 and response.json() == {"corporate_number": number, "valid": True}


def test_401_without_credentials_japanese_by_default(api_client):
    response = api_client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "認証情報が含まれていません。"}
    assert response["WWW-Authenticate"].startswith("Token")


def test_401_in_english(api_client):
    response = api_client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_token_authentication(api_client):
    user = business_user(account_type="entry")
    _token, key = api_token_issue(user=user, name="test")
    response = api_client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200 and response.json()["email"] == user.email
    bad = api_client.get("/api/v1/me", HTTP_AUTHORIZATION="Token nope", HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 401 and bad.json() == {"detail": "Invalid token."}


def test_403_and_404_shapes_from_the_handler(rf):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from django.utils import translation

    from core.api import exception_handler
    from core.errors import ApplicationError

    with translation.override("ja"):
        assert exception_handler(PermissionDenied(), {}).data == {"detail": "この操作を行う権限がありません。"}
        not_found = exception_handler(Http404(), {})
        assert not_found.status_code == 404 and not_found.data == {"detail": "見つかりません。"}
    with translation.override("en"):
        assert exception_handler(PermissionDenied(), {}).status_code == 403
        app_error = exception_handler(ApplicationError(errors={"purpose": ["Unknown purpose."]}), {})
        assert app_error.status_code == 400 and app_error.data == {"errors": {"purpose": ["Unknown purpose."]}}


def test_schema_lists_the_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/me" in text and "/api/v1/corporate-numbers/{number}" in text


def test_docs_load_their_assets_from_our_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui" in a for a in assets)
    external = [a for a in assets if a.startswith(("http:", "https:", "//"))]
    assert external == [], external
    assert all(a.startswith("/static/") or a.startswith("/api/") for a in assets if "swagger" in a)
    for asset in [a for a in assets if a.startswith("/static/")]:
        assert client.get(asset).status_code == 200, asset


def test_issue_api_token_command(capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    user = business_user(account_type="entry")
    call_command("issue_api_token", user.email)
    key = capsys.readouterr().out.strip()
    assert ApiToken.objects.get(user=user).key_hash == hash_key(key)  # stored hashed, never in plain text
    prime = prime_user()
    with pytest.raises(CommandError):
        call_command("issue_api_token", prime.email)  # MFA not set up
    with_totp(prime)
    call_command("issue_api_token", prime.email)
    assert ApiToken.objects.filter(user=prime).exists()


def test_nested_list_errors_are_flat_messages_not_a_repr():
    from rest_framework import exceptions

    from core.api import exception_handler

    detail = {"data_classes": {0: [exceptions.ErrorDetail("この値は13以下にしてください。", code="max_value")]}}
    response = exception_handler(exceptions.ValidationError(detail), {})
    assert response.status_code == 400
    assert response.data == {"errors": {"data_classes": ["この値は13以下にしてください。"]}}
