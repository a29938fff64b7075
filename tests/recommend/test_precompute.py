"""Issue 16: recommendations are precomputed per business (RecommendationSet), refreshed by a
Celery task when their inputs change, and read — never computed — in a request. What the
page and the API show is exactly what recommend.engine.recommend returns."""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse
from django.utils import translation

from recommend import engine
from recommend.models import RecommendationSet, ViewEvent
from recommend.precompute import recommendations_refresh
from recommend.services import favourite_toggle, recommendations_request_refresh
from tests.factories import BusinessFactory, member_user, mfa_login
from tests.programs.factories import CaseStudyFactory, SupportProgramFactory

from .factories import challenge, favourite

pytestmark = pytest.mark.django_db


def _world():
    """A business with challenges, and neighbours whose favourites and views give the
    collaborative part something to say."""
    business = BusinessFactory(prefecture="04", industry_jsic="26", employees=4)
    challenge(business, "productivity", "生産管理の見直し")
    challenge(business, "sales")
    programs = [SupportProgramFactory(name=f"制度{i}", themes=["productivity" if i % 2 else "sales"]) for i in range(8)]
    cases = [CaseStudyFactory(industry_jsic="26" if i % 3 else "09", prefecture="04") for i in range(8)]
    neighbours = [BusinessFactory(prefecture="04", industry_jsic="26", employees=5) for _ in range(4)]
    for n, neighbour in enumerate(neighbours):
        for item in (programs[1], programs[3], cases[2], cases[3 + n]):
            favourite(neighbour, item)
        ViewEvent.objects.create(business=neighbour, program=programs[5])
    favourite(business, programs[1])
    ViewEvent.objects.create(business=business, case_study=cases[4])
    return business, programs, cases


def _engine_json(business, *, limit: int) -> dict:
    results = engine.recommend(business, limit=limit)
    return {
        "programs": [(r.item.pk, r.score, [str(x) for x in r.reasons]) for r in results["program"]],
        "case_studies": [(r.item.pk, r.score, [str(x) for x in r.reasons]) for r in results["case_study"]],
    }


def _api_json(api_client, *, limit: int, language: str) -> dict:
    body = api_client.get(f"/api/v1/recommendations?limit={limit}", HTTP_ACCEPT_LANGUAGE=language).json()
    return {kind: [(i["id"], i["score"], i["reasons"]) for i in body[kind]] for kind in ("programs", "case_studies")}


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("limit", [3, 10])
def test_stored_recommendations_are_what_the_engine_returns(api_client, language, limit):
    business, _programs, _cases = _world()
    api_client.force_authenticate(member_user(business))
    served = _api_json(api_client, limit=limit, language=language)
    with translation.override(language):
        expected = _engine_json(business, limit=limit)
    assert served == expected
    assert expected["programs"] and expected["case_studies"]  # the comparison is not of two empty lists
    assert any("似た" in r or "similar" in r.lower() or "同じ業種" in r or "same industry" in r.lower()
               for _i, _s, reasons in expected["case_studies"] + expected["programs"] for r in reasons)


def test_a_request_reads_the_table_and_never_runs_the_engine(api_client, client, django_assert_max_num_queries):
    business, _programs, _cases = _world()
    recommendations_refresh(business_id=business.pk)
    user = member_user(business)
    api_client.force_authenticate(user)
    mfa_login(client, user)
    with translation.override("ja"):
        expected = _engine_json(business, limit=10)
    with mock.patch.object(engine, "recommend", side_effect=AssertionError("the engine ran in a request")):
        with django_assert_max_num_queries(8):
            assert _api_json(api_client, limit=10, language="ja") == expected
        with django_assert_max_num_queries(14):
            page = client.get(reverse("recommend:recommendations"), HTTP_ACCEPT_LANGUAGE="ja")
    assert page.status_code == 200
    assert expected["programs"][0][0] and f'data-id="{expected["programs"][0][0]}"' in page.content.decode()


def test_saving_an_item_marks_the_set_stale_and_the_refresh_follows(api_client):
    business, programs, _cases = _world()
    user = member_user(business)
    recommendations_refresh(business_id=business.pk)
    first = _engine_json(business, limit=10)
    target = first["programs"][0][0]
    favourite_toggle(user=user, kind="program", item_id=target)
    assert RecommendationSet.objects.get(business=business).stale  # in the transaction of the change
    api_client.force_authenticate(user)
    served = _api_json(api_client, limit=10, language="ja")  # the (eager) refresh ran
    assert target not in [pk for pk, _s, _r in served["programs"]]
    with translation.override("ja"):
        assert served == _engine_json(business, limit=10)
    assert not RecommendationSet.objects.get(business=business).stale


def test_without_a_worker_the_first_visit_says_pending_and_computes_nothing(client, api_client):
    business, _programs, _cases = _world()
    user = member_user(business)
    mfa_login(client, user)
    api_client.force_authenticate(user)
    from django.core.cache import cache

    with mock.patch("recommend.tasks.refresh_recommendations.apply_async") as sent, \
            mock.patch.object(engine, "recommend", side_effect=AssertionError("the engine ran in a request")):
        page = client.get(reverse("recommend:recommendations"), HTTP_ACCEPT_LANGUAGE="ja")
        body = api_client.get("/api/v1/recommendations").json()
    cache.delete(f"recommend:refresh:{business.pk}")
    assert page.status_code == 200
    assert "おすすめを準備しています" in page.content.decode()
    assert body == {"programs": [], "case_studies": []}
    assert sent.call_count == 1  # debounced: the second read did not ask again


def test_refresh_requests_are_debounced():
    business = BusinessFactory()
    from django.core.cache import cache

    with mock.patch("recommend.tasks.refresh_recommendations.apply_async") as sent:
        assert recommendations_request_refresh(business.pk) is True
        assert recommendations_request_refresh(business.pk) is False
    cache.delete(f"recommend:refresh:{business.pk}")
    assert sent.call_count == 1


def test_a_catalogue_change_marks_every_set_stale():
    business, _programs, _cases = _world()
    recommendations_refresh(business_id=business.pk)
    SupportProgramFactory(name="新しい制度", themes=["sales"])
    assert RecommendationSet.objects.get(business=business).stale


def test_program_views_are_recorded_by_the_worker_or_at_once_without_a_broker(client):
    business = BusinessFactory()
    program = SupportProgramFactory()
    mfa_login(client, member_user(business))
    with mock.patch("recommend.tasks.record_view.apply_async") as sent:
        assert client.get(reverse("programs:program_detail", args=[program.pk])).status_code == 200
    assert sent.call_count == 1 and not ViewEvent.objects.exists()  # handed to the worker, no INSERT here
    with mock.patch("recommend.tasks.record_view.apply_async", side_effect=OSError("broker away")):
        assert client.get(reverse("programs:program_detail", args=[program.pk])).status_code == 200
    assert ViewEvent.objects.filter(business=business, program=program).count() == 1


def test_a_consent_change_marks_the_set_stale_and_the_refresh_honours_it(api_client):
    """Narrowings are replaced in bulk (no per-row signal): the ConsentChange row marks the
    set stale, and the next read shows what the engine gives under the new consent."""
    from consent.services import consent_narrowings_replace
    from tests.factories import prime_user

    business, _programs, _cases = _world()
    prime = prime_user(business)
    recommendations_refresh(business_id=business.pk)
    denied = [{"data_class": 11, "recipient": r, "purpose": None} for r in (1, 2, 3)]
    assert consent_narrowings_replace(actor=prime, business=business, denied=denied) is not None
    assert RecommendationSet.objects.get(business=business).stale
    api_client.force_authenticate(member_user(business))
    served = _api_json(api_client, limit=10, language="ja")
    with translation.override("ja"):
        expected = _engine_json(business, limit=10)
    assert served == expected
    assert not any("課題" in r for _i, _s, reasons in served["programs"] for r in reasons)  # challenges no longer used
