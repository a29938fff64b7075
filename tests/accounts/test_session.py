"""Sessions end after SESSION_IDLE_TIMEOUT seconds without a request."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from tests.factories import business_user, mfa_login

pytestmark = pytest.mark.django_db


def _age_session(client, seconds: int) -> None:
    session = client.session
    session["last_seen"] = int(time.time()) - seconds
    session.save()


def test_active_session_stays_signed_in(client, settings):
    settings.SESSION_IDLE_TIMEOUT = 600
    mfa_login(client, business_user())
    assert client.get("/mypage/").status_code == 200
    _age_session(client, 590)
    assert client.get("/mypage/").status_code == 200
    assert int(time.time()) - client.session["last_seen"] < 5  # each request renews it


def test_idle_session_ends_and_returns_to_sign_in(client, settings):
    settings.SESSION_IDLE_TIMEOUT = 600
    mfa_login(client, business_user())
    client.get("/mypage/")
    _age_session(client, 601)
    response = client.get("/mypage/members/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/mypage/members/&expired=1"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="ja")
    body = page.content.decode()
    assert "入力中の内容はこのブラウザに保存されています" in body
    assert 'data-page="account_login"' in body  # autosave.js restores drafts after this page


def test_idle_api_session_is_signed_out_not_redirected(client, settings):
    settings.SESSION_IDLE_TIMEOUT = 600
    mfa_login(client, business_user())
    client.get("/api/v1/me")
    _age_session(client, 601)
    response = client.get("/api/v1/me")
    assert response.status_code in (401, 403)


def test_autosave_script_is_on_every_page(client):
    body = client.get("/").content.decode()
    assert "js/autosave.js" in body


def test_signed_in_pages_carry_the_idle_warning_and_anonymous_ones_do_not(client, settings):
    settings.SESSION_IDLE_TIMEOUT = 900
    assert "data-session-timeout" not in client.get("/").content.decode()
    mfa_login(client, business_user())
    body = client.get("/mypage/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert 'data-session-timeout="900"' in body
    assert "操作がないため、2分後にログアウトします" in body


def _session_writes(queries) -> list[str]:
    return [q["sql"] for q in queries if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]


def test_requests_within_a_minute_do_not_write_the_session(client, settings):
    """Issue 16: the idle timeout touches the session at most once a minute, not on every
    request (each touch was an UPDATE of the session row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.SESSION_IDLE_TIMEOUT = 600
    mfa_login(client, business_user())
    assert client.get("/mypage/").status_code == 200
    first = client.session["last_seen"]
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert client.get("/mypage/").status_code == 200
    assert _session_writes(queries.captured_queries) == []
    assert client.session["last_seen"] == first
    # A minute later the next request touches it again (one write).
    _age_session(client, 61)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/mypage/").status_code == 200
    assert len(_session_writes(queries.captured_queries)) == 1
    assert int(time.time()) - client.session["last_seen"] < 5


def test_idle_timeout_counts_from_the_last_touch(client, settings):
    """A session touched 601 s ago ends even if requests came in between without a touch
    (never later than SESSION_IDLE_TIMEOUT after the last touch)."""
    settings.SESSION_IDLE_TIMEOUT = 600
    mfa_login(client, business_user())
    client.get("/mypage/")
    _age_session(client, 30)
    assert client.get("/mypage/").status_code == 200  # within the interval: no touch
    assert int(time.time()) - client.session["last_seen"] >= 30
    _age_session(client, 601)
    assert client.get("/mypage/").status_code == 302
