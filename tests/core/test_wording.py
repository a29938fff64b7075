"""Issue 15's wrong words: 氏名 only for people (a saved search has a 検索条件の名前, a company
a 事業者名), the access log names who viewed (閲覧した人), dates as Japanese forms write them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from recommend.models import SavedSearch
from tests.disclosure.factories import approved_request
from tests.factories import BusinessFactory, member_user, mfa_login, prime_user

pytestmark = pytest.mark.django_db
ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")


def test_a_saved_search_has_a_name_not_a_persons_name(client):
    user = member_user(BusinessFactory())
    SavedSearch.objects.create(user=user, name="東京の補助金", params={"prefecture": "13"})
    mfa_login(client, user)
    html = client.get(reverse("recommend:saved_searches")).content.decode()
    assert "東京の補助金" in html and "検索条件の名前" in html and "氏名" not in html


def test_open_data_names_the_business_not_a_person(client):
    from tests.analytics.factories import ApplicationFactory

    ApplicationFactory(business=BusinessFactory(name="株式会社公開"), adopted=True)
    html = client.get("/open-data/").content.decode()
    assert "株式会社公開" in html
    assert "事業者名" in html and "氏名" not in html


def test_access_log_lists_who_viewed_with_japanese_dates(client):
    from disclosure.services import company_data_release

    business = BusinessFactory()
    prime = prime_user(business)
    _request, staff, _p, _b = approved_request(business=business, prime=prime)
    company_data_release(viewer=staff, business_id=business.pk, channel="api")
    mfa_login(client, prime)
    html = client.get(reverse("disclosure:access_log")).content.decode()
    assert "閲覧した人" in html and "変更した人" not in html
    today = timezone.localdate()
    assert f"{today.year}年{today.month}月{today.day}日" in html
    table = html[html.index('id="access-log"'):]
    assert not ISO_DATE.search(table)
