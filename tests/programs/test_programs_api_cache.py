"""Issue 16: GET /api/v1/programs is computed once per URL and catalogue generation
(core.pagecache) — the same answer as computed afresh, and any change of a program on the
very next request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cache_helpers import redis_away

from .factories import SupportProgramFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/programs"


def test_programs_api_from_the_cache_is_the_same_and_follows_changes(api_client):
    program = SupportProgramFactory(name="キャッシュ補助金", prefectures=["04"])
    first = api_client.get(URL).json()
    assert [p["name"] for p in first["results"]] == ["キャッシュ補助金"]
    with CaptureQueriesContext(connection) as queries:
        assert api_client.get(URL).json() == first
    assert not [q for q in queries.captured_queries if "programs_supportprogram" in q["sql"]]  # from the cache
    with redis_away():  # what the cache gives is what the view computes without it
        assert api_client.get(URL).json() == first
    assert api_client.get(URL, {"prefecture": "27"}).json()["results"] == []  # another query: its own entry

    program.name = "改名した補助金"
    program.save()
    assert [p["name"] for p in api_client.get(URL).json()["results"]] == ["改名した補助金"]
    SupportProgramFactory(name="新しい補助金", prefectures=["27"])
    assert [p["name"] for p in api_client.get(URL, {"prefecture": "27"}).json()["results"]] == ["新しい補助金"]


def test_a_refused_filter_is_answered_every_time_and_never_stored(api_client):
    for _ in range(2):
        response = api_client.get(URL, {"open_on": "not-a-date"})
        assert response.status_code == 400 and "open_on" in response.json()["errors"]
