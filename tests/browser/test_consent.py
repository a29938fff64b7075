"""owner@ denies 財務情報 to 支援機関, sees it in the grid and the history, downloads the
receipt, and the PDF shows the Japanese labels (checked with pdftotext)."""

from __future__ import annotations

import subprocess

import pytest

from consent.access import ConsentContext
from tests.factories import PASSWORD, BusinessFactory, UserFactory, with_totp

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_denies_financials_to_support_institutions(page, screenshot, tmp_path):
    from accounts.models import Membership

    business = BusinessFactory(name="青葉食品株式会社")
    owner = UserFactory(email="owner@demo.mirasapo.jp")
    Membership.objects.create(user=owner, business=business, account_type=Membership.AccountType.PRIME)
    secret = with_totp(owner)

    sign_in(page, owner.email, PASSWORD, totp_secret=secret)
    page.goto("/consent/")
    assert page.locator("h1").inner_text() == "データ利活用の同意"
    cell = page.locator('td[data-cell="6-5"]')
    assert cell.get_attribute("data-state") == "allowed"
    cell.locator("input[type=checkbox]").uncheck()
    page.get_by_role("button", name="変更内容を確認する").click()

    assert "変更内容の確認" in page.locator("h1").inner_text()
    changes = page.locator(".consent-changes-denied").inner_text()
    assert "財務情報" in changes and "支援機関" in changes
    screenshot(page, "consent-confirm")
    page.get_by_role("button", name="この内容で変更する").click()

    cell = page.locator('td[data-cell="6-5"]')
    assert cell.get_attribute("data-state") == "denied"
    assert "拒否中" in cell.inner_text()
    assert "同意設定を変更しました" in page.locator(".messages").inner_text()
    assert not ConsentContext([business.pk]).decide(business.pk, purpose=6, data_class=6, recipient=5).allowed
    screenshot(page, "consent-grid-denied")

    page.get_by_role("link", name="変更履歴").first.click()
    history = page.locator("table.consent-history").inner_text()
    assert "財務情報" in history and "支援機関" in history and owner.email in history
    screenshot(page, "consent-history")

    page.goto("/consent/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="同意の控えをダウンロード(PDF)").click()
    pdf_path = tmp_path / "receipt.pdf"
    download_info.value.save_as(pdf_path)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"], capture_output=True, check=True, text=True).stdout
    flat = "".join(text.split())
    for label in ("同意の控え", "青葉食品株式会社", "財務情報", "支援機関", "拒否中", "申請者の識別・属性情報", "SHA-256"):
        assert label in flat, label
