"""Whole anonymous pages kept by core.pagecache.anonymous_page (issue 16): the same bytes and
headers as a computed page, a change of the catalogue seen at once, nothing of a signed-in
user, a language or a CSRF token carried from one request to another; and the language
switch, which no longer carries a token, still refused to another site (core.csrf)."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from core import pagecache
from tests.applications.factories import SubsidyRoundFactory
from tests.cache_helpers import redis_away
from tests.factories import BusinessFactory, UserFactory, member_user
from tests.programs.factories import SupportProgramFactory

pytestmark = pytest.mark.django_db


def _urls() -> list[str]:
    program = SupportProgramFactory(name="事業再構築補助金")
    return ["/", reverse("programs:program_detail", args=[program.pk]), reverse("programs:program_list") + "?q=再構築"]


def _served(client: Client, url: str, **headers: str):
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response


def _stored(response) -> bool:
    """A page given from the store: the view did not run, so no template was rendered."""
    return not response.templates


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_stored_page_is_the_computed_page_byte_for_byte_with_the_same_headers(client, language):
    for url in _urls():
        with redis_away():
            computed = _served(client, url, accept_language=language)
        first = _served(client, url, accept_language=language)
        again = _served(client, url, accept_language=language)
        assert not _stored(computed) and not _stored(first) and _stored(again), url
        assert first.content == computed.content and again.content == computed.content, url
        # The middleware sets its headers on the stored page too: CSP, framing, Vary, language.
        assert dict(again.items()) == dict(computed.items()) == dict(first.items()), url
        assert again["Content-Language"] == language and again["Content-Security-Policy"]
        assert {"Accept-Language", "Cookie"} <= {v.strip() for v in again["Vary"].split(",")}
        assert not computed.cookies and not again.cookies  # no CSRF cookie, no session


def test_anonymous_pages_carry_no_csrf_token_and_set_no_cookie(client):
    for url in _urls():
        for response in (_served(client, url), _served(client, url)):
            html = response.content.decode()
            assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html, url
            assert "Set-Cookie" not in str(response.serialize_headers()) and not response.cookies, url


def test_a_signed_in_user_never_gets_the_anonymous_page_and_keeps_their_tokens(client):
    user = member_user(BusinessFactory())
    for url in _urls():
        anonymous = _served(client, url)
        _served(client, url)  # stored
        client.force_login(user)
        own = _served(client, url)
        html = own.content.decode()
        assert not _stored(own) and user.email in html and own.content != anonymous.content, url
        # Their header keeps the sign-out form and htmx's CSRF header, with this session's token.
        assert "csrfmiddlewaretoken" in html and '"X-CSRFToken": "' in html
        again = _served(client, url)
        assert not _stored(again) and user.email in again.content.decode()
        client.logout()
        assert user.email not in _served(client, url).content.decode()


def test_a_change_of_the_catalogue_is_seen_at_once_on_the_stored_pages(client):
    program = SupportProgramFactory(name="省力化投資補助金")
    detail = reverse("programs:program_detail", args=[program.pk])
    search = reverse("programs:program_list") + "?q=省力化"
    for url in ("/", detail, search):
        _served(client, url)
        assert _stored(_served(client, url))
    program.name = "省力化投資補助金（一般型）"
    program.save()
    assert "省力化投資補助金（一般型）" in _served(client, detail).content.decode()
    assert "省力化投資補助金（一般型）" in _served(client, search).content.decode()
    SubsidyRoundFactory(number=43, deadline=timezone.now() + timezone.timedelta(days=3))
    assert "第43回" in _served(client, "/").content.decode()


def test_japanese_and_english_pages_are_kept_apart(client):
    for url in _urls():
        ja = _served(client, url, accept_language="ja")
        en = _served(client, url, accept_language="en")
        for _ in range(2):
            assert _served(client, url, accept_language="ja").content == ja.content
            assert _served(client, url, accept_language="en").content == en.content
        assert '<html lang="ja">' in ja.content.decode() and '<html lang="en">' in en.content.decode()
        client.cookies["django_language"] = "en"  # the cookie outranks Accept-Language
        by_cookie = _served(client, url, accept_language="ja")
        assert by_cookie.content == en.content and by_cookie["Content-Language"] == "en"
        del client.cookies["django_language"]


def test_a_message_for_an_anonymous_caller_is_shown_not_a_stored_page(client):
    """Signing out leaves a message (cookie) for the home page it redirects to."""
    _served(client, "/")
    assert _stored(_served(client, "/"))
    client.force_login(UserFactory())
    response = client.post(reverse("account_logout"), follow=True)
    assert response.redirect_chain and response.request["PATH_INFO"] == "/"
    assert 'class="messages"' in response.content.decode() and not _stored(response)


def test_a_page_whose_view_used_a_csrf_token_is_never_stored():
    calls = []

    @pagecache.anonymous_page("catalogue")
    def view(request):
        calls.append(1)
        return HttpResponse(get_token(request))

    factory = RequestFactory()

    def get():
        from django.contrib.auth.models import AnonymousUser

        request = factory.get("/a-page/")
        request.user = AnonymousUser()
        return view(request).content

    first, second = get(), get()
    assert len(calls) == 2 and first != second  # each request its own token, computed each time


@pytest.mark.parametrize("cookie", ["sessionid", "messages", "tracking"])
def test_a_request_with_any_other_cookie_gets_a_computed_page(client, cookie):
    _served(client, "/")
    assert _stored(_served(client, "/"))
    client.cookies[cookie] = "x"
    assert not _stored(_served(client, "/"))


def test_the_language_switch_needs_no_token_from_this_site_and_refuses_another_site():
    client = Client(enforce_csrf_checks=True)
    url = reverse("set_language")
    ours = client.post(url, {"language": "en", "next": "/programs/"}, headers={"origin": "http://testserver"})
    assert ours.status_code == 302 and ours["Location"] == "/programs/" and ours.cookies["django_language"].value == "en"

    client = Client(enforce_csrf_checks=True)
    for origin in ("https://evil.example", "null", "https://testserver"):
        refused = client.post(url, {"language": "en", "next": "/"}, headers={"origin": origin})
        assert refused.status_code == 403 and "django_language" not in refused.cookies, origin
    # Without Origin (an old or non-browser client) Django's check holds: no token, no switch.
    assert client.post(url, {"language": "en"}).status_code == 403
    client.get("/accounts/login/")  # a page with a form: the CSRF cookie and a token
    token = client.cookies["csrftoken"].value
    switched = client.post(url, {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert switched.status_code == 302 and switched.cookies["django_language"].value == "en"
