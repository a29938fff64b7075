"""マイページ from a page cached per user (issue 16, accounts.mypage): the same page as one
rendered afresh, every change of what it shows seen on the next visit, nothing of one user,
business or request served to another, and the queries a visit still makes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.utils import timezone

from accounts.models import ApiToken, Membership, User
from accounts.mypage import _seconds_to_keep
from accounts.services import (
    api_token_issue,
    api_token_revoke,
    member_update_permissions,
)
from notifications.services import notice_post, notices_mark_read
from tests.cache_helpers import redis_away
from tests.disclosure.factories import make_request
from tests.factories import (
    BusinessFactory,
    InstitutionFactory,
    institution_staff,
    member_user,
    mfa_login,
    prime_user,
    with_totp,
)

pytestmark = pytest.mark.django_db

URL = "/mypage/"
_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")([^"]+)')


def _tokens(html: str) -> set[str]:
    return {m.group(2) for m in _TOKEN.finditer(html)}


def _page(client, language: str = "en") -> str:
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    # Each request's CSRF token is masked afresh (cached or not): compared apart.
    return _TOKEN.sub(r"\1TOKEN", response.content.decode())


def _prime_world():
    """A Prime holder with a member, an unread notice, an API token and a pending request."""
    business = BusinessFactory(name="株式会社キャッシュ試験")
    prime = prime_user(business)
    with_totp(prime)  # a Prime holder gets a token only after setting up MFA
    member_user(business, can_draft_applications=True)
    notice_post(user=prime, key="test:1", kind="award_step", url="/")
    api_token_issue(user=prime, name="会計ソフト")
    staff = institution_staff(InstitutionFactory(name="テスト商工会"))
    make_request(staff=staff, business=business)
    return business, prime, staff


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_cached_page_is_the_page_rendered_afresh(client, language, django_assert_max_num_queries):
    _business, prime, _staff = _prime_world()
    mfa_login(client, prime)
    with redis_away():
        computed = _page(client, language)
    first = _page(client, language)  # rendered and stored
    with django_assert_max_num_queries(2):  # the session, the user with its membership; the page from Redis
        second = _page(client, language)
    assert first == computed and second == computed
    for shown in ("株式会社キャッシュ試験", "テスト商工会", "会計ソフト", prime.email):
        assert shown in computed
    assert ("お知らせ (1)" if language == "ja" else "Notices (1)") in computed


def test_a_visit_renders_at_most_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    _business, prime, _staff = _prime_world()
    mfa_login(client, prime)
    with django_assert_max_num_queries(10):  # not cached yet: session, user, notices, member count, tokens, requests …
        _page(client)


def test_each_visit_gets_its_own_csrf_token_that_matches_its_cookie(client):
    _business, prime, _staff = _prime_world()
    mfa_login(client, prime)
    seen = []
    for _ in range(3):
        response = client.get(URL)
        tokens = _tokens(response.content.decode())
        assert len(tokens) == 1  # one masked value for the page's forms
        secret = client.cookies["csrftoken"].value
        token = tokens.pop()
        assert _unmask_cipher_token(token) == secret  # valid for this client only
        seen.append(token)
    assert len(set(seen)) == 3  # masked afresh on every visit, from the cache too


def test_two_users_and_two_businesses_never_see_each_others_page(client):
    business, prime, _staff = _prime_world()
    member = Membership.objects.get(business=business, account_type="member").user
    other = prime_user(BusinessFactory(name="株式会社よそ"))
    pages = {}
    for user in (prime, member, other, prime, member, other):  # the second round from the cache
        client.logout()
        mfa_login(client, user)
        html = _page(client)
        assert pages.setdefault(user.pk, html) == html
    assert prime.email in pages[prime.pk] and member.email not in pages[prime.pk]
    assert member.email in pages[member.pk] and prime.email not in pages[member.pk]
    assert "May draft applications" in pages[member.pk] and "Manage members" not in pages[member.pk]
    assert "株式会社よそ" in pages[other.pk] and "株式会社キャッシュ試験" not in pages[other.pk]
    assert "テスト商工会" not in pages[other.pk] and "会計ソフト" not in pages[other.pk]
    assert "株式会社よそ" not in pages[prime.pk] + pages[member.pk]


# --- each input, changed, is seen on the next visit ------------------------------------------

def _seen_after(client, user, change, *, before: str, after: str, language: str = "en") -> None:
    mfa_login(client, user)
    html = _page(client, language)
    assert before in html and after not in html
    assert _page(client, language) == html  # from the cache
    change()
    html = _page(client, language)
    assert after in html, after


def test_a_new_notice_and_reading_them(client):
    business = BusinessFactory()
    user = member_user(business)
    _seen_after(client, user, lambda: notice_post(user=user, key="n:1", kind="award_step"), before="Notices<",
                after="Notices (1)")
    _seen_after(client, user, lambda: notices_mark_read(user=user), before="Notices (1)", after="Notices<")


def test_a_membership_change(client):
    business = BusinessFactory()
    prime = prime_user(business)
    user = member_user(business)
    membership = user.membership
    _seen_after(client, user, lambda: member_update_permissions(
        actor=prime, membership_id=membership.pk, can_draft_applications=True, can_edit_record=False),
        before="May not draft applications", after="May draft applications")


def test_the_prime_holders_member_count(client):
    business = BusinessFactory()
    prime = prime_user(business)
    _seen_after(client, prime, lambda: member_user(business), before="0 members", after="1 member<")
    _seen_after(client, prime, lambda: Membership.objects.filter(business=business, account_type="member").delete(),
                before="1 member<", after="0 members")


def test_the_business_renamed(client):
    business = BusinessFactory(name="株式会社旧名")

    def rename():
        business.name = "株式会社新名"
        business.save(update_fields=["name"])

    _seen_after(client, member_user(business), rename, before="株式会社旧名", after="株式会社新名")


def test_a_disclosure_request_arrives_and_is_answered(client):
    business = BusinessFactory()
    prime = prime_user(business)
    staff = institution_staff(InstitutionFactory(name="相談の商工会"))
    created = []
    _seen_after(client, prime, lambda: created.append(make_request(staff=staff, business=business)),
                before="No request awaits your answer.", after="相談の商工会")
    from disclosure.services import disclosure_request_decide

    _seen_after(client, prime, lambda: disclosure_request_decide(actor=prime, request_id=created[0].pk, decision="reject"),
                before="相談の商工会", after="No request awaits your answer.")


def test_the_requesting_institution_renamed(client):
    business = BusinessFactory()
    prime = prime_user(business)
    institution = InstitutionFactory(name="旧名の商工会")
    make_request(staff=institution_staff(institution), business=business)

    def rename():
        institution.name = "新名の商工会"
        institution.save(update_fields=["name"])

    _seen_after(client, prime, rename, before="旧名の商工会", after="新名の商工会")


def test_api_tokens_issued_used_and_revoked(client, api_client):
    user = member_user(BusinessFactory())
    issued = []
    _seen_after(client, user, lambda: issued.append(api_token_issue(user=user, name="会計ソフト")),
                before="You have no API tokens.", after="会計ソフト")
    token, key = issued[0]

    def use():  # last_used_at is written with an UPDATE, not a save
        assert api_client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200

    assert "Never" in _page(client) and "Never" in _page(client)  # (the second from the cache)
    use()
    assert "Never" not in _page(client)
    _seen_after(client, user, lambda: api_token_revoke(actor=user, token_id=token.pk), before="Active", after="Revoked")


def test_a_token_expiring_ends_the_cached_pages_life():
    now = timezone.now()
    soon = ApiToken(expires_at=now + dt.timedelta(seconds=40), revoked_at=None)
    later = ApiToken(expires_at=now + dt.timedelta(days=30), revoked_at=None)
    revoked = ApiToken(expires_at=now + dt.timedelta(seconds=5), revoked_at=now)
    assert 30 <= _seconds_to_keep([later, soon, revoked]) <= 40
    assert _seconds_to_keep([later]) == 600 and _seconds_to_keep([]) == 600


def test_the_users_email_and_language(client):
    user = member_user(BusinessFactory())

    def change_email():
        row = User.objects.get(pk=user.pk)
        row.email = "renamed@example.jp"
        row.save(update_fields=["email"])

    _seen_after(client, user, change_email, before=user.email, after="renamed@example.jp")
    assert "マイページ" in _page(client, "ja") and "My page" in _page(client, "en")
    assert "マイページ" not in _page(client, "en").split("<main", 1)[1]


def test_a_flash_message_is_shown_once_and_the_page_cached_around_it(client):
    user = member_user(BusinessFactory())
    token, _key = api_token_issue(user=user, name="会計ソフト")
    mfa_login(client, user)
    _page(client)
    response = client.post(f"/mypage/api-tokens/{token.pk}/revoke/")  # flashes a message, redirects
    assert response.status_code == 302
    shown = _page(client)  # the message waits in a cookie: this page is rendered, not cached
    flashed = "トークンを失効させました。"  # (translated when the POST flashed it)
    assert flashed in shown and "Revoked" in shown
    after = _page(client)
    assert flashed not in after and "Revoked" in after
    assert _page(client) == after  # and then cached again


def test_staff_and_users_without_a_business_are_rendered_per_request(client):
    staff = institution_staff(InstitutionFactory(name="毎回の商工会"))
    client.force_login(staff)
    assert "毎回の商工会" in _page(client)
    institution = staff.institution
    institution.name = "改名した商工会"
    institution.save(update_fields=["name"])
    assert "改名した商工会" in _page(client)


def test_a_fresh_seed_starts_every_page_afresh(client):
    """seed_demo on a fresh database reuses users' and businesses' ids: no page of before."""
    from companies.models import Business
    from core.demo import seeded

    business = BusinessFactory(name="株式会社種まき前")
    mfa_login(client, member_user(business))
    assert "株式会社種まき前" in _page(client)
    Business.objects.filter(pk=business.pk).update(name="株式会社種まき後")  # no signal: the cached page stays
    assert "株式会社種まき前" in _page(client)
    seeded.send(sender=None)
    assert "株式会社種まき後" in _page(client)
