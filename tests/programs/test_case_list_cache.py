"""Issue 16: 事例ナビ (/cases/) from cached fragments (core.pagecache), like 支援制度ナビ: the
same page with the cache as without it, a new case study on the next request, and a
business user's saved flags and forms never served to anyone else."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.cache_helpers import redis_away
from tests.factories import BusinessFactory, UserFactory, member_user

from .factories import CaseStudyFactory

pytestmark = pytest.mark.django_db

_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return _TOKEN.sub(r"\1TOKEN", response.content.decode())  # the CSRF token is new on every response


def test_case_list_from_the_cache_is_the_same_and_sees_a_new_case(client):
    CaseStudyFactory(title="老舗旅館の挑戦")
    url = reverse("programs:case_list") + "?q=旅館"
    first = _page(client, url)
    assert "老舗旅館の挑戦" in first
    with CaptureQueriesContext(connection) as queries:
        assert _page(client, url) == first
    assert not [q for q in queries.captured_queries if "programs_casestudy" in q["sql"]]  # from the cache
    with redis_away():  # what the cache gives is what the view computes without it
        assert _page(client, url) == first
    assert "老舗旅館の挑戦" not in _page(client, reverse("programs:case_list") + "?q=工場")  # its own entry per query
    CaseStudyFactory(title="温泉旅館の再生")
    assert "温泉旅館の再生" in _page(client, url)


def test_case_list_keeps_a_business_users_saved_flags_and_forms_to_them(client):
    case = CaseStudyFactory(title="町工場のDX")
    url = reverse("programs:case_list")
    anonymous = _page(client, url)
    assert f'data-testid="save-case_study-{case.pk}"' not in anonymous
    client.force_login(member_user(BusinessFactory()))
    own = client.get(url).content.decode()
    assert f'data-testid="save-case_study-{case.pk}"' in own
    client.logout()
    assert _page(client, url) == anonymous
    client.force_login(UserFactory())  # signed in without a business: the shared list, without anyone's forms
    assert f'data-testid="save-case_study-{case.pk}"' not in _page(client, url)
