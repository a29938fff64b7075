"""owner@ starts a 持続化補助金 application, finds it pre-filled, submits it and downloads the PDF."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.applications.factories import SubsidyRoundFactory, business_with_record
from tests.applications.helpers import ensure_reference_data
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, UserFactory, with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_owner_applies_with_prefill_submits_and_downloads_pdf(page, screenshot):
    from accounts.models import Membership

    ensure_reference_data()
    business = business_with_record(name="株式会社青葉精機")
    owner = UserFactory(email="owner@demo.mirasapo.jp")
    Membership.objects.create(user=owner, business=business, account_type="prime")
    secret = with_totp(owner)
    round_ = SubsidyRoundFactory()

    sign_in(page, owner.email, PASSWORD, totp_secret=secret)
    page.goto("/applications/new/jizokuka_general/")
    page.select_option("select[name=subsidy_round]", str(round_.pk))
    page.get_by_role("button", name="申請を始める").click()
    page.wait_for_url("**/edit/")

    # Pre-filled from the record, each field with its source and date.
    assert page.input_value("input[name=company_name]") == "株式会社青葉精機"
    assert page.input_value("input[name=contact_email]") == "tanto@example.jp"
    assert page.input_value("input[name=fy_sales]") == "60000000"
    assert "あなたの個社情報から転記" in page.locator(".prefill-source[data-field=company_name]").inner_text()

    page.fill("input[name=plan_title]", "新商品のネット販売による販路開拓")
    page.fill("textarea[name=sales_plan]", "自社ECサイトを構築し、県外の顧客に新商品を販売する。")
    page.check("input[name=revenue_expected][value=no]")
    page.select_option("select[name=exp-0-category]", "advertising")
    page.fill("input[name=exp-0-description]", "チラシ作成")
    page.fill("input[name=exp-0-amount]", "300000")
    page.check("input[name=confirm_all]")
    # Submission needs the 様式4 of the area's 商工会 (its own browser test: test_lifecycle.py).
    from applications.models import Application
    from tests.supportplans.helpers import issued

    issued(owner, Application.objects.get(business=business))
    screenshot(page, "onceonly-prefilled-form")
    page.get_by_role("button", name="保存して提出へ進む").click()
    page.wait_for_url("**/submit/")

    page.check("input[name=pledge]")
    page.get_by_role("button", name="提出する").click()
    page.wait_for_url("**/applications/*/")
    assert "申請を提出しました" in page.content()

    with page.expect_download() as download_info:
        page.click("#download-pdf")
    data = open(download_info.value.path(), "rb").read()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "株式会社青葉精機" in text and "新商品のネット販売による販路開拓" in text and "受付番号" in text
    screenshot(page, "onceonly-submitted")
