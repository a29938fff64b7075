"""The disclosure flow end to end in a browser: advisor@ requests, owner@ approves one
class, advisor@ sees only it, owner@ sees the look in the access log and revokes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.conftest import sign_in
from tests.factories import (
    PASSWORD,
    BusinessFactory,
    FinancialYearFactory,
    InstitutionFactory,
    UserFactory,
    prime_user,
    with_totp,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def policy_in_force(db):
    from tests.disclosure.factories import ensure_policy

    ensure_policy()


def test_request_approve_one_class_view_access_log_and_revoke(policy_in_force, chromium_browser, live_server, page, screenshot):
    from accounts.models import User

    business = BusinessFactory(name="株式会社青葉精機", prefecture="04")
    FinancialYearFactory(business=business, fiscal_year=2024, sales=87_654_321)
    owner = prime_user(business)
    secret = with_totp(owner)
    shokokai = InstitutionFactory(name="仙台商工会", prefecture="04")
    advisor = UserFactory(email="advisor@shokokai.example.jp", kind=User.Kind.INSTITUTION_STAFF, institution=shokokai,
                          full_name="商工 太郎")
    advisor_secret = with_totp(advisor, "MIRASAPOADVISORTESTMIRASAPOADVI6")  # institution staff need TOTP

    # advisor@ asks by the 法人番号 it knows, for identity (1) and financials (6).
    sign_in(page, advisor.email, PASSWORD, totp_secret=advisor_secret)
    assert "/accounts/login" not in page.url, page.url
    page.goto("/disclosure/requests/new/")
    page.fill("input[name=corporate_number]", business.corporate_number)
    page.check("input[name=data_classes][value='1']")
    page.check("input[name=data_classes][value='6']")
    page.fill("input[name=valid_until]", (timezone.localdate() + dt.timedelta(days=30)).isoformat())
    page.fill("textarea[name=message]", "来月の経営相談のため、財務情報を拝見したくお願いします。")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/disclosure/requests/")
    assert "回答待ち" in page.content()

    # owner@ (Prime, with two-factor authentication) sees exactly what is asked and approves class 6 only.
    owner_context = chromium_browser.new_context(locale="ja-JP", base_url=live_server.url, viewport={"width": 1280, "height": 900})
    owner_page = owner_context.new_page()
    owner_page.set_default_timeout(15_000)
    sign_in(owner_page, owner.email, PASSWORD, totp_secret=secret)
    owner_page.goto("/disclosure/inbox/")
    owner_page.click("text=仙台商工会")
    assert "来月の経営相談のため" in owner_page.content() and "財務情報" in owner_page.content()
    owner_page.check("input[name=decision][value=approve]")
    owner_page.uncheck("input[name=data_classes][value='1']")
    owner_page.click("main form button[type=submit]")
    assert "回答の確認" in owner_page.content()
    screenshot(owner_page, "disclosure-1-owner-confirms-one-class")
    owner_page.click("main form button.button-primary")
    owner_page.wait_for_load_state()
    assert owner_page.inner_text("#request-status") == "承認済み"

    # advisor@ sees financials only: no identity class, not even the company's name.
    page.goto("/disclosure/requests/")
    page.click("text=データを見る")
    page.wait_for_load_state()
    assert page.locator("[data-class='6']").count() == 1
    assert page.locator("[data-class='1']").count() == 0
    assert "87,654,321" in page.content() and business.name not in page.content()  # yen with separators
    screenshot(page, "disclosure-2-advisor-sees-financials-only")

    # owner@ sees the look in the access log, then revokes.
    owner_page.goto("/disclosure/access-log/")
    log = owner_page.inner_text("#access-log")
    assert "仙台商工会" in log and "商工 太郎" in log and "財務情報" in log and "画面" in log
    screenshot(owner_page, "disclosure-3-owner-access-log")
    owner_page.goto("/disclosure/inbox/")
    owner_page.click("text=仙台商工会")
    owner_page.click("text=承認を取り消す")
    owner_page.click("text=今すぐ取り消す")
    owner_page.wait_for_load_state()
    assert owner_page.inner_text("#request-status") == "承認取消"
    screenshot(owner_page, "disclosure-4-owner-revoked")
    owner_context.close()

    # From then on advisor@ sees nothing.
    response = page.goto(page.url)
    assert response.status == 404
