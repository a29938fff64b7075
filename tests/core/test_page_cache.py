"""Cached fragments of the public pages (issue 16, core.pagecache): the same page with the
cache as without it, a change of the catalogue seen on the next request, nothing of one
caller served to another, and the queries each page still makes."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.applications.factories import SubsidyRoundFactory
from tests.cache_helpers import redis_away
from tests.factories import BusinessFactory, UserFactory, member_user
from tests.programs.factories import CaseStudyFactory, SupportProgramFactory

pytestmark = pytest.mark.django_db

_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    # The CSRF token is new for every anonymous request (cached or not): compared apart.
    return _TOKEN.sub(r"\1TOKEN", response.content.decode())


def _same_with_and_without_cache(client, url: str) -> str:
    with redis_away():
        computed = _page(client, url)
    first = _page(client, url)  # computed and stored
    second = _page(client, url)  # from the cache
    assert first == computed
    assert second == computed
    return computed


def test_home_is_the_same_from_the_cache_and_shows_a_new_call_at_once(client):
    assert "第41回" not in _same_with_and_without_cache(client, "/")
    SubsidyRoundFactory(number=41, deadline=timezone.now() + dt.timedelta(days=3))
    html = _page(client, "/")
    assert "第41回" in html


def test_home_drops_a_call_once_its_deadline_has_passed(client):
    call = SubsidyRoundFactory(number=42, deadline=timezone.now() + dt.timedelta(seconds=2))
    assert "第42回" in _page(client, "/")
    time.sleep(2.2)  # the fragment lives until the first shown call closes, not longer
    assert "第42回" not in _page(client, "/")
    assert call.pk


def test_home_keeps_signed_in_and_anonymous_apart(client):
    user = UserFactory()
    anonymous = _page(client, "/")
    assert reverse("account_signup") in anonymous
    client.force_login(user)
    signed_in = _page(client, "/")
    assert reverse("accounts:mypage") in signed_in and user.email in signed_in
    client.logout()
    again = _page(client, "/")
    assert user.email not in again and reverse("accounts:mypage") not in again  # nor the signed-in navigation


def test_program_page_from_the_cache_follows_every_change_of_the_catalogue(client):
    program = SupportProgramFactory(name="省力化投資補助金")
    url = reverse("programs:program_detail", args=[program.pk])
    assert "省力化投資補助金" in _same_with_and_without_cache(client, url)
    program.name = "省力化投資補助金（一般型）"
    program.save()
    assert "省力化投資補助金（一般型）" in _page(client, url)
    case = CaseStudyFactory(title="省力化で残業が半分に")
    assert "省力化で残業が半分に" not in _page(client, url)
    case.programs.add(program)  # a many-to-many change alone moves the generation on too
    assert "省力化で残業が半分に" in _page(client, url)
    program.delete()
    assert client.get(url).status_code == 404


def test_program_page_never_serves_a_business_users_form_to_anyone_else(client):
    program = SupportProgramFactory()
    url = reverse("programs:program_detail", args=[program.pk])
    anonymous = _page(client, url)
    user = member_user(BusinessFactory())
    client.force_login(user)
    own = client.get(url).content.decode()
    assert f'data-testid="save-program-{program.pk}"' in own and "csrfmiddlewaretoken" in own
    client.logout()
    again = _page(client, url)
    assert again == anonymous
    assert "csrfmiddlewaretoken" not in again.split("<main", 1)[1] and user.email not in again


def test_search_from_the_cache_is_the_same_and_sees_a_new_program(client):
    SupportProgramFactory(name="事業承継補助金")
    url = reverse("programs:program_list") + "?q=事業承継"
    html = _same_with_and_without_cache(client, url)
    assert "事業承継補助金" in html and "事業承継・引継ぎ支援" not in html
    SupportProgramFactory(name="事業承継・引継ぎ支援")
    assert "事業承継・引継ぎ支援" in _page(client, url)


def test_search_keeps_a_business_users_saved_flags_and_forms_to_them(client):
    program = SupportProgramFactory(name="販路開拓補助金")
    url = reverse("programs:program_list") + "?q=販路開拓"
    anonymous = _page(client, url)
    user = member_user(BusinessFactory())
    client.force_login(user)
    own = client.get(url).content.decode()
    assert f'data-testid="save-program-{program.pk}"' in own and 'name="querystring"' in own
    client.logout()
    assert _page(client, url) == anonymous


def test_cached_pages_make_no_query_and_the_business_pages_a_bounded_few(client, django_assert_num_queries,
                                                                         django_assert_max_num_queries):
    program = SupportProgramFactory(name="小規模事業者持続化補助金")
    detail = reverse("programs:program_detail", args=[program.pk])
    search = reverse("programs:program_list") + "?q=持続化"
    for url in ("/", detail, search):
        client.get(url)  # computes and stores
        with django_assert_num_queries(0):
            assert client.get(url).status_code == 200
    user = member_user(BusinessFactory())
    client.force_login(user)
    # session, user, membership, the program with the saved flag, the view event (eager in
    # tests: savepoint, insert, staleness mark, release), the unread notices, the idle touch
    with django_assert_max_num_queries(12):
        assert client.get(detail).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(search).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(reverse("accounts:mypage")).status_code == 200


@pytest.mark.parametrize("page", ["detail", "search"])
def test_one_business_never_gets_anothers_saved_flags(client, page):
    from recommend.models import Favourite

    program = SupportProgramFactory(name="ものづくり補助金")
    url = (reverse("programs:program_detail", args=[program.pk]) if page == "detail"
           else reverse("programs:program_list") + "?q=ものづくり")
    saver, other = member_user(BusinessFactory()), member_user(BusinessFactory())
    Favourite.objects.create(business=saver.membership.business, saved_by=saver, program=program)
    client.force_login(saver)
    assert f'data-testid="unsave-program-{program.pk}"' in client.get(url).content.decode()
    client.force_login(other)
    theirs = client.get(url).content.decode()
    assert f'data-testid="save-program-{program.pk}"' in theirs
    assert f'data-testid="unsave-program-{program.pk}"' not in theirs and saver.email not in theirs
