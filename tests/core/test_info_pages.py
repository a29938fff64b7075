"""Issue 15: the home page has a search box, the calls open now by deadline and news; the
footer links the five pages every government service has, each with real text."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db
JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}
PAGES = {"terms": "利用規約", "privacy": "プライバシーポリシー", "accessibility": "アクセシビリティ方針",
         "contact": "お問い合わせ", "help": "よくあるご質問"}


@pytest.mark.parametrize("slug, title", PAGES.items())
def test_each_footer_page_is_public_with_real_text(client, slug, title):
    response = client.get(f"/about/{slug}/", **JA)
    assert response.status_code == 200
    html = response.content.decode()
    assert title in html and html.count("<p") + html.count("<li") >= 4
    home = client.get("/", **JA).content.decode()
    assert f'href="/about/{slug}/"' in home


def test_unknown_page_is_404(client):
    assert client.get("/about/nothing/").status_code == 404


def test_home_has_search_open_calls_by_deadline_and_news(client):
    from applications.models import SubsidyRound

    now = timezone.now()
    later = SubsidyRound.objects.create(program="jizokuka_general", number=91, fiscal_year=2026, opens_on=now.date() - dt.timedelta(days=3),
                                        deadline=now + dt.timedelta(days=40), reference_date=now.date())
    sooner = SubsidyRound.objects.create(program="jizokuka_general", number=92, fiscal_year=2026, opens_on=now.date() - dt.timedelta(days=3),
                                         deadline=now + dt.timedelta(days=10), reference_date=now.date())
    SubsidyRound.objects.create(program="jizokuka_general", number=93, fiscal_year=2026, opens_on=now.date() - dt.timedelta(days=60),
                                deadline=now - dt.timedelta(days=1), reference_date=now.date())
    response = client.get("/", **JA)
    html = response.content.decode()
    assert 'role="search"' in html and 'action="/programs/"' in html
    calls = response.context["open_calls"]
    assert calls.index(sooner) < calls.index(later) and all(c.number != 93 for c in calls)
    assert "お知らせ" in html and "締切" in html
