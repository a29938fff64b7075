"""GET /api/v1/recommendations from a body cached per business, language, limit and day
(issue 16, recommend.api): the same bytes as computed afresh, a new stored set, a catalogue
change or a stale mark seen on the next call, one business's body never another's, and a
repeated call without the selector, serializer or renderer."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.utils import translation
from rest_framework.renderers import JSONRenderer

from accounts.services import api_token_issue
from recommend import api as recommend_api
from recommend import engine
from recommend.precompute import recommendations_refresh
from recommend.services import favourite_toggle
from tests.cache_helpers import redis_away
from tests.factories import BusinessFactory, member_user
from tests.programs.factories import SupportProgramFactory

from .test_precompute import _engine_json, _world

URL = "/api/v1/recommendations"


def _call(api_client, key: str, *, limit: int = 10, language: str = "ja", accept: str = "application/json"):
    response = api_client.get(f"{URL}?limit={limit}", HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE=language,
                              HTTP_ACCEPT=accept)
    assert response.status_code == 200
    return response


def _token(user) -> str:
    return api_token_issue(user=user, name="テスト")[1]


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("limit", [3, 10])
def test_the_cached_body_is_the_body_computed_afresh(api_client, language, limit, django_assert_max_num_queries):
    business, _programs, _cases = _world()
    recommendations_refresh(business_id=business.pk)
    key = _token(member_user(business))
    with redis_away():
        computed = _call(api_client, key, limit=limit, language=language)
    first = _call(api_client, key, limit=limit, language=language)
    with mock.patch.object(recommend_api, "recommendation_titles_for", side_effect=AssertionError("computed again")), \
            django_assert_max_num_queries(1):  # the token (with user and membership): nothing else
        second = _call(api_client, key, limit=limit, language=language)
    assert first.content == computed.content and second.content == computed.content
    for response in (computed, first, second):
        assert response["Content-Type"] == "application/json"
        assert "Accept" in response["Vary"] and response["Allow"] == computed["Allow"]
    body = json.loads(second.content)
    # What DRF's own renderer gives for the engine's answer, byte for byte.
    with translation.override(language):
        expected = _engine_json(business, limit=limit)
    assert [(i["id"], i["score"], i["reasons"]) for i in body["programs"]] == expected["programs"]
    assert second.content == JSONRenderer().render(body)
    assert body["programs"] and body["case_studies"]


def test_the_browsable_api_and_indented_json_are_rendered_as_before(api_client):
    business, _programs, _cases = _world()
    recommendations_refresh(business_id=business.pk)
    key = _token(member_user(business))
    plain = json.loads(_call(api_client, key).content)
    indented = _call(api_client, key, accept="application/json; indent=2")
    assert indented.content.decode().startswith("{\n  ") and json.loads(indented.content) == plain
    page = _call(api_client, key, accept="text/html")
    assert page["Content-Type"].startswith("text/html") and str(plain["programs"][0]["id"]) in page.content.decode()


def test_a_new_stored_set_is_served_at_once(api_client):
    business, programs, _cases = _world()
    recommendations_refresh(business_id=business.pk)
    key = _token(member_user(business))
    before = json.loads(_call(api_client, key).content)
    _call(api_client, key)  # cached
    with mock.patch("recommend.tasks.refresh_recommendations.apply_async"):  # no refresh from the stale mark
        favourite_toggle(user=member_user(business), kind="program", item_id=before["programs"][0]["id"])
    recommendations_refresh(business_id=business.pk)  # the worker stores the new set
    after = json.loads(_call(api_client, key).content)
    assert before["programs"][0]["id"] not in [i["id"] for i in after["programs"]]
    with translation.override("ja"):
        assert [(i["id"], i["score"], i["reasons"]) for i in after["programs"]] == _engine_json(business, limit=10)["programs"]


def test_a_stale_mark_makes_the_next_call_ask_for_the_refresh(api_client):
    """A change of the business's inputs: the next call reads the set, finds it stale and asks
    the worker (eager here) for a refresh, as it did before the body was cached."""
    business, _programs, _cases = _world()
    recommendations_refresh(business_id=business.pk)
    user = member_user(business)
    key = _token(user)
    before = json.loads(_call(api_client, key).content)
    target = before["programs"][0]["id"]
    favourite_toggle(user=user, kind="program", item_id=target)  # marks the set stale (on_commit: not in a test)
    after = json.loads(_call(api_client, key).content)
    assert target not in [i["id"] for i in after["programs"]]


def test_a_catalogue_change_is_served_at_once(api_client):
    business, _programs, _cases = _world()
    recommendations_refresh(business_id=business.pk)
    key = _token(member_user(business))
    first = json.loads(_call(api_client, key).content)["programs"][0]
    from programs.models import SupportProgram

    program = SupportProgram.objects.get(pk=first["id"])
    program.name = "改名した制度"
    with mock.patch.object(engine, "recommend", side_effect=AssertionError("the engine ran in a request")), \
            mock.patch("recommend.tasks.refresh_recommendations.apply_async"):
        program.save()
        served = json.loads(_call(api_client, key).content)["programs"]
    assert {"id": first["id"], "title": "改名した制度"}.items() <= next(i for i in served if i["id"] == first["id"]).items()


def test_two_businesses_never_get_each_others_body(api_client):
    business, _programs, _cases = _world()
    other = BusinessFactory(prefecture="13", industry_jsic="09", employees=300)
    SupportProgramFactory(name="よその制度", themes=["succession"])
    for b in (business, other):
        recommendations_refresh(business_id=b.pk)
    keys = {b.pk: _token(member_user(b)) for b in (business, other)}
    bodies = {}
    for b in (business, other, business, other):  # the second round from the cache
        with translation.override("ja"):
            expected = _engine_json(b, limit=10)
        body = json.loads(_call(api_client, keys[b.pk]).content)
        assert [(i["id"], i["score"], i["reasons"]) for i in body["programs"]] == expected["programs"]
        assert bodies.setdefault(b.pk, body) == body
    assert bodies[business.pk] != bodies[other.pk]
