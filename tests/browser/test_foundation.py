"""The foundation in a real browser (Debian's Chromium): Japanese home page, the English
switch, the 法人番号 checked as it is typed, owner@ through the TOTP step to マイページ,
save-as-you-go, and a Member refused the Prime-only members page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_TOTP_SECRETS
from accounts.models import Membership
from tests.browser.conftest import current_totp_code, sign_in
from tests.factories import (
    PASSWORD,
    BusinessFactory,
    UserFactory,
    next_corporate_number,
    with_totp,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OWNER = "owner@demo.mirasapo.jp"


def test_home_in_japanese_english_switch_and_live_corporate_number_check(page, screenshot):
    console_errors: list[str] = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert "ホーム" in page.title()
    expect(page.locator("h1")).to_contain_text("一度登録するだけ")
    expect(page.locator("text=ワンスオンリー")).to_be_visible()
    screenshot(page, "foundation-home-ja")

    page.click("header button[name=language][value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator("h1")).to_contain_text("Register your business data once")
    screenshot(page, "foundation-home-en")
    page.click("header button[name=language][value=ja]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ja"

    page.goto("/accounts/signup/")
    number = next_corporate_number()
    wrong = str((int(number[0]) % 9) + 1) + number[1:]
    page.fill("input[name=corporate_number]", wrong)
    status = page.locator("#corporate-number-status")
    expect(status).to_have_text(re.compile("チェックデジットが正しくありません"))
    page.fill("input[name=corporate_number]", number)
    expect(status).to_have_text("チェックデジットは正しい値です。")
    page.check("input[name=corp_type][value='2']")
    expect(page.locator("#corporate-number-field")).to_be_hidden()
    page.check("input[name=corp_type][value='1']")
    screenshot(page, "foundation-signup")
    # No script or style was blocked by the Content Security Policy on the way.
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors


def test_owner_passes_totp_to_mypage_and_member_is_refused(page, screenshot):
    business = BusinessFactory(name="株式会社青葉製作所")
    owner = UserFactory(email=OWNER, full_name="青葉 一郎")
    Membership.objects.create(user=owner, business=business, account_type=Membership.AccountType.PRIME)
    secret = with_totp(owner, DEMO_TOTP_SECRETS[OWNER])
    member = UserFactory(email="member@demo.mirasapo.jp")
    Membership.objects.create(user=member, business=business, account_type=Membership.AccountType.MEMBER, issued_by=owner)

    page.goto("/accounts/login/")
    screenshot(page, "foundation-login")
    page.fill("input[name=login]", OWNER)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    screenshot(page, "foundation-totp")
    page.fill("input[name=code]", current_totp_code(secret))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/mypage/")
    expect(page.locator("h1")).to_have_text("マイページ")
    expect(page.locator("main")).to_contain_text("株式会社青葉製作所")
    screenshot(page, "foundation-mypage-owner")

    page.click("text=メンバーを管理する")
    page.wait_for_url("**/mypage/members/")
    expect(page.locator("table")).to_contain_text("member@demo.mirasapo.jp")
    # Save as you go: what is typed survives a reload (or an expired session).
    page.fill("input[name=email]", "new-staff@example.jp")
    page.fill("input[name=full_name]", "新人 太郎")
    page.wait_for_timeout(400)
    page.reload()
    expect(page.locator("input[name=email]")).to_have_value("new-staff@example.jp")
    expect(page.locator(".autosave-note")).to_be_visible()
    page.check("input[name=can_draft_applications]")
    page.click("#add-member ~ form button[type=submit]")
    page.wait_for_url("**/mypage/members/")
    expect(page.locator("table")).to_contain_text("new-staff@example.jp")
    page.reload()
    expect(page.locator("input[name=email]")).to_have_value("")  # the draft ended with the submission
    screenshot(page, "foundation-members")

    page.fill("input[name=email]", "half-typed@example.jp")
    page.wait_for_timeout(400)
    drafts = "Object.keys(localStorage).filter((k) => k.startsWith('mirasapo:autosave:')).length"
    assert page.evaluate(drafts) == 1
    page.click("header form button[type=submit]:has-text('ログアウト')")
    page.wait_for_load_state()
    assert page.evaluate(drafts) == 0  # signing out on purpose forgets drafts (shared computers)
    sign_in(page, "member@demo.mirasapo.jp", PASSWORD)
    page.wait_for_url("**/mypage/")
    expect(page.locator("main")).not_to_contain_text("メンバーを管理する")
    response = page.goto("/mypage/members/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("このページを開く権限がありません")
    screenshot(page, "foundation-member-refused")
