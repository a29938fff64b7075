from __future__ import annotations

import pytest
from django.urls import reverse

from recommend.models import Favourite, SavedSearch, ViewEvent
from recommend.precompute import recommendations_refresh
from tests.factories import (
    BusinessFactory,
    institution_staff,
    member_user,
    mfa_login,
    prime_user,
)
from tests.programs.factories import CaseStudyFactory, SupportProgramFactory

from .factories import challenge, favourite

pytestmark = pytest.mark.django_db


def test_recommendations_page_shows_reasons(client, django_assert_max_num_queries):
    business = BusinessFactory(prefecture="04", industry_jsic="26", employees=4)
    challenge(business, "productivity")
    SupportProgramFactory(name="生産性向上の制度", themes=["productivity"])
    for _ in range(20):
        CaseStudyFactory(industry_jsic="26")
    mfa_login(client, member_user(business))
    recommendations_refresh(business_id=business.pk)  # the worker's job (issue 16): the page only reads
    with django_assert_max_num_queries(15):
        response = client.get(reverse("recommend:recommendations"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "生産性向上の制度" in html and "おすすめの理由" in html and "同じ業種の事例" in html


def test_recommendations_api(api_client):
    business = BusinessFactory(prefecture="04", industry_jsic="26", employees=4)
    challenge(business, "sales")
    program = SupportProgramFactory(name="販路の制度", themes=["sales"])
    user = member_user(business)
    api_client.force_authenticate(user)
    body = api_client.get("/api/v1/recommendations", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["programs"][0]["id"] == program.pk
    assert body["programs"][0]["score"] > 0
    assert any("Addresses your challenge" in r for r in body["programs"][0]["reasons"])
    assert set(body) == {"programs", "case_studies"}


def test_recommendations_api_refuses_others(api_client):
    assert api_client.get("/api/v1/recommendations").status_code == 401
    api_client.force_authenticate(institution_staff())
    assert api_client.get("/api/v1/recommendations").status_code == 403


def test_save_a_case_study_and_view_history(client):
    business = BusinessFactory()
    case = CaseStudyFactory(title="保存する事例")
    user = member_user(business)
    mfa_login(client, user)
    client.get(reverse("programs:case_detail", args=[case.pk]))
    assert ViewEvent.objects.filter(business=business, case_study=case).count() == 1
    response = client.post(reverse("recommend:favourite_toggle"), {"kind": "case_study", "item_id": case.pk,
                                                                   "next": reverse("programs:case_list")})
    assert response.status_code == 302 and response["Location"] == reverse("programs:case_list")
    assert Favourite.objects.filter(business=business, case_study=case).exists()
    page = client.get(reverse("recommend:favourites")).content.decode()
    assert "保存する事例" in page
    client.post(reverse("recommend:favourite_toggle"), {"kind": "case_study", "item_id": case.pk})
    assert not Favourite.objects.filter(business=business).exists()
    # An open redirect is refused.
    response = client.post(reverse("recommend:favourite_toggle"), {"kind": "case_study", "item_id": case.pk, "next": "https://evil.example/"})
    assert response["Location"] == reverse("recommend:favourites")


def test_saving_a_missing_item_changes_nothing(client):
    mfa_login(client, member_user(BusinessFactory()))
    client.post(reverse("recommend:favourite_toggle"), {"kind": "program", "item_id": 999999})
    assert not Favourite.objects.exists()


def test_anonymous_views_leave_no_history(client):
    case = CaseStudyFactory()
    client.get(reverse("programs:case_detail", args=[case.pk]))
    assert not ViewEvent.objects.exists()


def test_saved_searches_create_validate_and_delete(client):
    user = member_user(BusinessFactory())
    mfa_login(client, user)
    client.post(reverse("recommend:saved_search_create"), {"name": "宮城の設備", "querystring": "prefecture=04&q=設備&page=3",
                                                           "email_alerts": "on"})
    search = SavedSearch.objects.get(user=user)
    assert search.params == {"prefecture": "04", "q": "設備"} and search.email_alerts
    bad = client.post(reverse("recommend:saved_search_create"), {"name": "悪い", "querystring": "open_on=xx"}, follow=True)
    assert SavedSearch.objects.filter(user=user).count() == 1
    assert "errorlist" in bad.content.decode() or "message" in bad.content.decode()
    page = client.get(reverse("recommend:saved_searches")).content.decode()
    assert "宮城の設備" in page
    other = member_user(BusinessFactory())
    mfa_login(client, other)
    assert client.post(reverse("recommend:saved_search_delete", args=[search.pk])).status_code == 404
    mfa_login(client, user)
    client.post(reverse("recommend:saved_search_delete", args=[search.pk]))
    assert not SavedSearch.objects.exists()


def test_favourites_page_query_count(client, django_assert_max_num_queries):
    business = BusinessFactory()
    for _ in range(15):
        favourite(business, CaseStudyFactory())
        favourite(business, SupportProgramFactory())
    user = prime_user(business)
    mfa_login(client, user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("recommend:favourites"))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") >= 30
