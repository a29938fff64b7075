"""Issue 16: open-data pages are cached per URL and recomputed after any change that can
alter them — a consent revocation above all, which holds on the very next request."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consent.services import consent_narrowings_replace
from tests.analytics.factories import ApplicationFactory
from tests.cache_helpers import redis_away
from tests.factories import BusinessFactory, prime_user

pytestmark = pytest.mark.django_db
URL = "/api/v1/open-data/adoptions"


def _names(api_client, url=URL) -> list[str]:
    body = api_client.get(url).json()
    assert "results" in body, body
    return [row["name"] for row in body["results"]]


def test_a_repeated_page_is_served_from_the_cache_and_a_revocation_holds_at_once(api_client):
    business = BusinessFactory(name="株式会社キャッシュ")
    ApplicationFactory(business=business, adopted=True)
    assert _names(api_client) == ["株式会社キャッシュ"]
    with CaptureQueriesContext(connection) as queries:
        assert _names(api_client) == ["株式会社キャッシュ"]
    assert len(queries.captured_queries) == 0  # the second answer came from the cache
    assert _names(api_client, URL + "?fiscal_year=2001") == []  # another filter: its own entry

    denied = [{"data_class": 1, "recipient": 8, "purpose": None}]
    assert consent_narrowings_replace(actor=prime_user(business), business=business, denied=denied) is not None
    assert _names(api_client) == []  # the revocation, on the very next request


def test_a_new_adoption_appears_on_the_next_request(api_client):
    ApplicationFactory(business=BusinessFactory(name="株式会社一番"), adopted=True)
    assert _names(api_client) == ["株式会社一番"]
    ApplicationFactory(business=BusinessFactory(name="株式会社二番"), adopted=True)
    assert sorted(_names(api_client)) == ["株式会社一番", "株式会社二番"]


def test_without_redis_every_request_computes(api_client, monkeypatch):
    from django.core.cache import cache

    ApplicationFactory(business=BusinessFactory(name="株式会社無停止"), adopted=True)
    monkeypatch.setattr(cache, "is_down", lambda: True, raising=False)
    assert _names(api_client) == ["株式会社無停止"]
    with CaptureQueriesContext(connection) as queries:
        assert _names(api_client) == ["株式会社無停止"]
    assert len(queries.captured_queries) > 0


def _page(client, url="/open-data/", **headers) -> str:
    # The layout's CSRF tokens (64 characters) are masked afresh on every response; the rest must not differ.
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "(csrf)", client.get(url, **headers).content.decode())


def test_the_open_data_page_is_rendered_once_per_query_and_language_and_follows_changes(client):
    ApplicationFactory(business=BusinessFactory(name="株式会社ページ"), adopted=True)
    first = _page(client)
    assert "株式会社ページ" in first
    with CaptureQueriesContext(connection) as queries:
        again = _page(client)
    assert not [q for q in queries.captured_queries if "applications_application" in q["sql"]]  # from the cache
    assert again == first
    # What the cache gives is what the page computes without it.
    with redis_away():
        assert _page(client) == first
    # Per query and per language.
    assert "株式会社ページ" not in _page(client, "/open-data/?fiscal_year=2001")
    english = _page(client, HTTP_ACCEPT_LANGUAGE="en")
    assert "<h1>Open data: adopted cases</h1>" in english and "<h1>Open data: adopted cases</h1>" not in first
    # A change that alters what is published shows on the next request.
    ApplicationFactory(business=BusinessFactory(name="株式会社二番"), adopted=True)
    assert "株式会社二番" in _page(client)
