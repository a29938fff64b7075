from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from disclosure.models import AccessLogEntry, DisclosureRequest
from tests.factories import (
    BusinessFactory,
    FinancialYearFactory,
    institution_staff,
    member_user,
    mfa_login,
    prime_user,
)

from .factories import approved_request, make_request

pytestmark = pytest.mark.django_db


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def business_client(user) -> Client:
    client = Client()
    mfa_login(client, user)
    return client


def test_anonymised_list_shows_no_name_or_number_and_is_paginated(django_assert_max_num_queries):
    businesses = [BusinessFactory(prefecture="04", industry_jsic="26", employees=n) for n in range(25)]
    staff = institution_staff()
    client = staff_client(staff)
    with django_assert_max_num_queries(9):  # constant: the header's unread-notices count is one
        response = client.get(reverse("disclosure:company_search"), {"prefecture": "04"})
    assert response.status_code == 200
    html = response.content.decode()
    for business in businesses:
        assert business.name not in html and business.corporate_number not in html
    assert html.count("?ref=") == 20  # one page
    assert "宮城県" in html
    page2 = client.get(reverse("disclosure:company_search"), {"prefecture": "04", "page": 2}).content.decode()
    assert page2.count("?ref=") == 5
    small = client.get(reverse("disclosure:company_search"), {"prefecture": "04", "size": "micro"}).content.decode()
    assert small.count("?ref=") == 6


def test_anonymised_list_leaves_out_companies_that_denied_class_1_to_institutions():
    from consent.models import Narrowing

    kept = BusinessFactory(prefecture="47")
    denied = BusinessFactory(prefecture="47")
    Narrowing.objects.create(business=denied, data_class=1, recipient=5, purpose=None)
    html = staff_client(institution_staff()).get(reverse("disclosure:company_search"), {"prefecture": "47"}).content.decode()
    assert html.count("?ref=") == 1
    assert kept.name not in html


def test_request_from_the_list_through_the_page():
    BusinessFactory(prefecture="31", industry_jsic="09", employees=3)
    staff = institution_staff()
    client = staff_client(staff)
    html = client.get(reverse("disclosure:company_search"), {"prefecture": "31"}).content.decode()
    handle = re.search(r'\?ref=([^"]+)"', html).group(1)
    from urllib.parse import unquote

    form_page = client.get(reverse("disclosure:request_new"), {"ref": unquote(handle)})
    assert form_page.status_code == 200 and "鳥取県" in form_page.content.decode()
    response = client.post(reverse("disclosure:request_new"), {
        "handle": unquote(handle), "purpose": 6, "data_classes": [1, 6],
        "valid_until": (timezone.localdate() + dt.timedelta(days=30)).isoformat(), "message": "ご相談",
    })
    assert response.status_code == 302
    request = DisclosureRequest.objects.get()
    assert request.via == "list" and request.data_classes == [1, 6]
    # Another institution cannot use the handle.
    assert staff_client(institution_staff()).get(reverse("disclosure:request_new"), {"ref": unquote(handle)}).status_code == 404


def test_request_by_number_form_errors_are_shown_and_nothing_is_saved():
    client = staff_client(institution_staff())
    response = client.post(reverse("disclosure:request_new"), {
        "corporate_number": "1234567890123", "purpose": 6, "data_classes": [1],
        "valid_until": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
    })
    assert response.status_code == 200
    assert "正しい13桁の法人番号" in response.content.decode()
    assert not DisclosureRequest.objects.exists()


def test_institution_request_list_query_count(django_assert_max_num_queries):
    staff = institution_staff()
    for _ in range(12):
        make_request(staff=staff, business=BusinessFactory())
    client = staff_client(staff)
    with django_assert_max_num_queries(9):  # constant: the header's unread-notices count is one
        response = client.get(reverse("disclosure:institution_requests"))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == 13


def test_inbox_decide_with_confirmation_step_then_revoke(mailoutbox):
    business = BusinessFactory()
    FinancialYearFactory(business=business)
    prime = prime_user(business)
    staff = institution_staff()
    request = make_request(staff=staff, business=business, classes=(1, 3, 6), message="経営相談のため")
    client = business_client(prime)
    detail = client.get(reverse("disclosure:inbox_detail", args=[request.pk])).content.decode()
    assert staff.institution.name in detail and "経営相談のため" in detail and "財務情報" in detail
    confirm = client.post(reverse("disclosure:decide", args=[request.pk]), {"decision": "approve", "data_classes": [6]})
    assert confirm.status_code == 200 and "回答の確認" in confirm.content.decode()
    request.refresh_from_db()
    assert request.status == "pending"  # nothing happens before the confirmation
    done = client.post(reverse("disclosure:decide", args=[request.pk]), {"decision": "approve", "data_classes": [6], "confirm": "on"})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == "approved" and request.approved_data_classes == [6]

    page = staff_client(staff).get(reverse("disclosure:company_data", args=[request.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-class="6"' in html and 'data-class="1"' not in html and business.name not in html
    assert AccessLogEntry.objects.get().channel == "page"
    log = client.get(reverse("disclosure:access_log")).content.decode()
    assert staff.institution.name in log and "財務情報" in log

    assert client.get(reverse("disclosure:revoke", args=[request.pk])).status_code == 200  # confirmation page
    assert client.post(reverse("disclosure:revoke", args=[request.pk])).status_code == 302
    request.refresh_from_db()
    assert request.status == "revoked"
    assert staff_client(staff).get(reverse("disclosure:company_data", args=[request.pk])).status_code == 404


def test_member_sees_inbox_but_cannot_decide_revoke_or_block():
    request, staff, prime, business = approved_request()
    pending = make_request(staff=staff, business=business, classes=(3,))
    member = business_client(member_user(business))
    assert member.get(reverse("disclosure:inbox")).status_code == 200
    detail = member.get(reverse("disclosure:inbox_detail", args=[pending.pk])).content.decode()
    assert "プライムのアカウント保有者のみ" in detail and reverse("disclosure:decide", args=[pending.pk]) not in detail
    assert member.post(reverse("disclosure:decide", args=[pending.pk]), {"decision": "approve", "confirm": "on",
                                                                         "data_classes": [3]}).status_code == 403
    assert member.post(reverse("disclosure:revoke", args=[request.pk])).status_code == 403
    assert member.post(reverse("disclosure:block", args=[request.pk])).status_code == 403
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_idor_every_url_for_another_business_and_another_institution():
    request, staff, prime, business = approved_request()
    outsider_prime = business_client(prime_user(BusinessFactory()))
    for name in ("inbox_detail", "decide", "revoke", "block"):
        url = reverse(f"disclosure:{name}", args=[request.pk])
        assert outsider_prime.get(url).status_code in (404, 405), name
        assert outsider_prime.post(url, {"decision": "reject", "confirm": "on"}).status_code == 404, name
    assert outsider_prime.post(reverse("disclosure:unblock", args=[staff.institution_id])).status_code == 404
    other_staff = staff_client(institution_staff())
    assert other_staff.get(reverse("disclosure:company_data", args=[request.pk])).status_code == 404
    # Staff are not business readers; business users are not staff.
    for name in ("inbox", "access_log"):
        assert staff_client(staff).get(reverse(f"disclosure:{name}")).status_code == 403
    for name in ("company_search", "institution_requests", "request_new"):
        assert business_client(prime).get(reverse(f"disclosure:{name}")).status_code == 403
    assert business_client(prime).get(reverse("disclosure:company_data", args=[request.pk])).status_code == 403
    # Anonymous callers are sent to sign in.
    for name in ("company_search", "institution_requests", "request_new", "inbox", "access_log"):
        assert Client().get(reverse(f"disclosure:{name}")).status_code == 302
    request.refresh_from_db()
    assert request.status == "approved"
    assert AccessLogEntry.objects.count() == 0


def test_inbox_and_access_log_query_counts(django_assert_max_num_queries):
    business = BusinessFactory()
    prime = prime_user(business)
    for _ in range(8):
        request, staff, _p, _b = approved_request(business=business, prime=prime)
        from disclosure.services import company_data_release

        company_data_release(viewer=staff, business_id=business.pk, channel="api")
    client = business_client(prime)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("disclosure:inbox")).status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get(reverse("disclosure:access_log"))
    assert response.content.decode().count("<tr>") == 9


def test_block_from_the_inbox_hides_the_institution_from_then_on():
    request, staff, prime, business = approved_request()
    client = business_client(prime)
    assert client.get(reverse("disclosure:block", args=[request.pk])).status_code == 200
    assert client.post(reverse("disclosure:block", args=[request.pk])).status_code == 302
    later = make_request(staff=staff, business=business)
    inbox = client.get(reverse("disclosure:inbox")).content.decode()
    assert reverse("disclosure:inbox_detail", args=[later.pk]) not in inbox
    assert "ブロック中の支援機関" in inbox
    assert client.get(reverse("disclosure:inbox_detail", args=[later.pk])).status_code == 404


def test_mypage_panel_lists_pending_requests():
    business = BusinessFactory()
    prime = prime_user(business)
    staff = institution_staff()
    make_request(staff=staff, business=business)
    request = RequestFactory().get("/mypage/")
    request.user = prime
    html = Template("{% load disclosure_tags %}{% disclosure_mypage_panel %}").render(Context({"request": request}))
    assert staff.institution.name in html and "回答待ちの依頼が1件" in html
    request.user = staff
    assert Template("{% load disclosure_tags %}{% disclosure_mypage_panel %}").render(Context({"request": request})).strip() == ""


def test_navigation_items_by_role():
    from disclosure.navigation import nav_items

    assert [i.url_name for i in nav_items(institution_staff())] == ["disclosure:institution_requests", "disclosure:company_search"]
    assert [i.url_name for i in nav_items(prime_user())] == ["disclosure:inbox", "disclosure:access_log"]
