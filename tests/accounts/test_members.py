"""Member management by the Prime holder; マイページ per role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Membership, User
from core.models import AuditEvent
from notifications.models import OutboxMessage
from tests.factories import (
    BusinessFactory,
    agency_staff,
    business_user,
    institution_staff,
    member_user,
    mfa_login,
    prime_user,
    researcher,
)

pytestmark = pytest.mark.django_db
JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}


@pytest.fixture
def owner(client):
    user = prime_user()
    mfa_login(client, user)
    return user


def test_prime_adds_a_member_with_permissions(client, owner):
    response = client.post(reverse("accounts:members"), {
        "email": "Staff@Example.jp", "full_name": "社員 花子", "can_draft_applications": "on",
    }, **JA)
    assert response.status_code == 302
    member = User.objects.get(email="staff@example.jp")
    membership = member.membership
    assert membership.business_id == owner.business.pk and membership.account_type == "member"
    assert membership.can_draft_applications and not membership.can_edit_record
    assert membership.issued_by == owner and not member.has_usable_password()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MEMBER_ADDED, actor=owner, data__action="added").exists()
    assert OutboxMessage.objects.filter(to_email="staff@example.jp", template="member_added").exists()


def test_adding_an_e_mail_in_use_is_refused_in_japanese(client, owner):
    other = business_user()
    response = client.post(reverse("accounts:members"), {"email": other.email, "full_name": "x"}, **JA)
    assert response.status_code == 200
    assert "このメールアドレスはすでに使われています" in response.content.decode()
    assert Membership.objects.filter(business=owner.business).count() == 1


def test_prime_changes_permissions(client, owner):
    member = member_user(owner.business)
    mid = member.membership.pk
    response = client.post(reverse("accounts:member-permissions", args=[mid]), {
        f"m{mid}-can_edit_record": "on",
    })
    assert response.status_code == 302
    member.membership.refresh_from_db()
    assert member.membership.can_edit_record and not member.membership.can_draft_applications
    event = AuditEvent.objects.get(data__action="permissions")
    assert event.data["after"]["can_edit_record"] is True


def test_removal_asks_for_confirmation_then_removes(client, owner):
    member = member_user(owner.business)
    url = reverse("accounts:member-remove", args=[member.membership.pk])
    page = client.get(url, **JA)
    assert page.status_code == 200
    assert "本当に削除しますか" in page.content.decode()
    assert Membership.objects.filter(user=member).exists()  # GET changes nothing
    assert client.post(url).status_code == 302
    member.refresh_from_db()
    assert not member.is_active and not Membership.objects.filter(user=member).exists()
    assert AuditEvent.objects.filter(data__action="removed", object_id=str(member.pk)).exists()


def test_prime_cannot_touch_another_business_member(client, owner):
    stranger = member_user(BusinessFactory())
    mid = stranger.membership.pk
    assert client.get(reverse("accounts:member-remove", args=[mid])).status_code == 404
    assert client.post(reverse("accounts:member-remove", args=[mid])).status_code == 404
    assert client.post(reverse("accounts:member-permissions", args=[mid]), {f"m{mid}-can_edit_record": "on"}).status_code == 404
    stranger.membership.refresh_from_db()
    assert stranger.is_active and not stranger.membership.can_edit_record


def test_prime_cannot_remove_itself(client, owner):
    assert client.post(reverse("accounts:member-remove", args=[owner.membership.pk])).status_code == 404
    assert Membership.objects.filter(user=owner).exists()


@pytest.mark.parametrize("make", [
    lambda: member_user(BusinessFactory()),
    lambda: business_user(account_type=Membership.AccountType.ENTRY),
    institution_staff,
    agency_staff,
    researcher,
], ids=["member", "entry", "institution", "agency", "researcher"])
def test_everyone_but_the_prime_is_refused(client, make):
    user = make()
    mfa_login(client, user)
    assert client.get(reverse("accounts:members")).status_code == 403
    assert client.post(reverse("accounts:members"), {"email": "x@example.jp", "full_name": "x"}).status_code == 403
    assert not User.objects.filter(email="x@example.jp").exists()


def test_members_page_query_count_does_not_grow_with_members(client, owner, django_assert_max_num_queries):
    for _ in range(8):
        member_user(owner.business)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:members"))
    assert response.status_code == 200
    assert response.content.decode().count("/remove/") == 8


@pytest.mark.parametrize("make, expected", [
    (lambda: prime_user(), "申請の提出、同意の変更、開示依頼への回答ができるのはあなただけです"),
    (lambda: member_user(BusinessFactory(), can_draft_applications=True), "申請書の下書きができる"),
    (lambda: business_user(account_type=Membership.AccountType.ENTRY), "gBizIDエントリーです"),
    (institution_staff, "支援機関"),
    (agency_staff, "申請の審査、ダッシュボードの確認"),
    (researcher, "誓約の状況"),
], ids=["prime", "member", "entry", "institution", "agency", "researcher"])
def test_mypage_per_role(client, make, expected):
    user = make()
    mfa_login(client, user)
    response = client.get(reverse("accounts:mypage"), **JA)
    body = response.content.decode()
    assert response.status_code == 200
    assert expected in body
    assert ("/mypage/members/" in body) == user.is_prime


def test_me_api(api_client):
    user = prime_user()
    api_client.force_authenticate(user)
    session_user = user  # the API's session path is covered by the MFA tests
    data = api_client.get("/api/v1/me").json()
    assert data["email"] == session_user.email
    assert data["roles"] == ["business", "prime"]
    assert data["business"] == {"corporate_number": user.business.corporate_number, "name": user.business.name}
    assert data["institution"] is None


def test_navigation_is_role_aware(client):
    owner = prime_user()
    mfa_login(client, owner)
    assert "/mypage/members/" in client.get("/mypage/").content.decode()
    staff = agency_staff()
    mfa_login(client, staff)
    body = client.get("/mypage/").content.decode()
    assert "/agency-admin/" in body and "/mypage/members/" not in body
