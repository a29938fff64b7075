"""axe-core (WCAG 2.2 AA) on states the URL walk cannot reach by GET: forms sent back
with their errors (sign-up, sign-in), the consent change's confirmation page (reached
only by POST) and the English pages (lang="en")."""

from __future__ import annotations

import pytest

from tests.browser.axe import axe_problems
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, BusinessFactory, UserFactory, with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _assert_clean(page, state: str) -> None:
    problems = axe_problems(page)
    assert not problems, f"{state} ({page.url}):\n" + "\n".join(problems)


def test_forms_with_errors_confirmation_and_english_pages_pass_axe(page, screenshot):
    from accounts.models import Membership

    checked = []
    # Sign-up sent empty: the error summary and every field's error text.
    page.goto("/accounts/signup/")
    page.locator("#signup-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    _assert_clean(page, "sign-up with errors")
    checked.append("signup-errors")
    screenshot(page, "a11y-signup-errors")

    # Sign-in with a wrong password.
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "nobody@example.jp")
    page.fill("input[name=password]", "wrong-password")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login" in page.url
    _assert_clean(page, "sign-in refused")
    checked.append("login-errors")

    # English: lang="en" on the page, and the home page in English passes too.
    page.goto("/")
    page.click("header button[name=language][value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    _assert_clean(page, "home in English")
    checked.append("home-en")
    page.click("header button[name=language][value=ja]")
    page.wait_for_load_state()

    # The consent change's confirmation page.
    business = BusinessFactory(name="青葉食品株式会社")
    owner = UserFactory(email="states-owner@example.jp")
    Membership.objects.create(user=owner, business=business, account_type=Membership.AccountType.PRIME)
    sign_in(page, owner.email, PASSWORD, totp_secret=with_totp(owner))
    page.goto("/consent/")
    page.locator('td[data-cell="6-5"] input[type=checkbox]').uncheck()
    page.get_by_role("button", name="変更内容を確認する").click()
    page.wait_for_load_state()
    assert "変更内容の確認" in page.locator("h1").inner_text()
    _assert_clean(page, "consent confirmation")
    checked.append("consent-confirm")
    assert len(checked) == 4
