"""From adoption to payment in a real browser, with real files: the applicant requests the
grant, the reviewer decides it, the applicant enters the ledger with uploaded receipts (a
lodging line over its cap is refused), reports, the reviewer confirms with a deduction
explained, the applicant claims, the reviewer records the payment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.applications.factories import SubsidyRoundFactory, business_with_record
from tests.applications.helpers import ensure_reference_data
from tests.awards.helpers import adopted_application, vault_storage_at
from tests.browser.conftest import sign_in
from tests.documents.files import pdf_bytes
from tests.factories import PASSWORD, UserFactory, agency_staff, with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _submit(page, section: str, button: str) -> None:
    page.locator(f"#{section}").get_by_role("button", name=button).click()
    page.wait_for_load_state()


def test_adoption_to_payment_as_applicant_and_reviewer(page, chromium_browser, live_server, screenshot, settings, tmp_path):
    from accounts.models import Membership
    from awards.models import Award, ExpenseLine

    ensure_reference_data()
    vault_storage_at(settings, tmp_path)
    business = business_with_record(name="株式会社青葉精機")
    owner = UserFactory(email="owner@demo.mirasapo.jp")
    Membership.objects.create(user=owner, business=business, account_type="prime")
    owner_secret = with_totp(owner)
    reviewer = agency_staff()
    reviewer_secret = with_totp(reviewer, "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF")
    application = adopted_application(owner, reviewer, SubsidyRoundFactory())
    flyer = tmp_path / "領収書_チラシ.pdf"
    flyer.write_bytes(pdf_bytes("flyer-receipt"))
    hotel = tmp_path / "領収書_ホテル.pdf"
    hotel.write_bytes(pdf_bytes("hotel-receipt"))
    today = timezone.localdate()

    agency = chromium_browser.new_context(locale="ja-JP", base_url=live_server.url, viewport={"width": 1280, "height": 900})
    review = agency.new_page()
    review.set_default_timeout(15_000)
    try:
        # The applicant: 交付申請 from the application page.
        sign_in(page, owner.email, PASSWORD, totp_secret=owner_secret)
        page.goto(f"/applications/{application.pk}/")
        page.click("#award-link")
        page.select_option("#grant-request select[name=tax_mode]", "excluded")
        page.check("#grant-request input[name=confirm]")
        _submit(page, "grant-request", "交付申請を提出する")
        assert page.locator("#award-status").inner_text() == "交付申請済"

        # The reviewer: 交付決定.
        sign_in(review, reviewer.email, PASSWORD, totp_secret=reviewer_secret)
        review.goto("/review/awards/")
        review.click(f"a[href='/review/awards/{application.pk}/']")
        review.fill("#grant-decide input[name=project_end]", (today + dt.timedelta(days=30)).isoformat())
        review.fill("#grant-decide input[name=report_due]", (today + dt.timedelta(days=60)).isoformat())
        _submit(review, "grant-decide", "交付を決定する")
        assert review.locator("#granted-amount").inner_text() == "240,000円"

        # The applicant: the ledger, with receipts uploaded.
        page.goto(f"/awards/{application.pk}/")
        assert "交付決定" in page.locator("#timeline").inner_text()

        def add_line(category, description, vendor, amount, receipt_path, **travel):
            form = page.locator("#add-line")
            form.locator("select[name=category]").select_option(category)
            form.locator("input[name=description]").fill(description)
            form.locator("input[name=vendor]").fill(vendor)
            form.locator("input[name=paid_on]").fill(today.isoformat())
            form.locator("input[name=amount]").fill(str(amount))
            if travel:
                form.locator("select[name=travel_item]").select_option("lodging")
                form.locator("select[name=region]").select_option(travel["region"])
                form.locator("input[name=nights]").fill(str(travel["nights"]))
                form.locator("input[name=lodging_per_night]").fill(str(travel["per_night"]))
            form.locator("input[name=receipt_file]").set_input_files(str(receipt_path))
            _submit(page, "add-line", "経費明細に追加する")

        add_line("advertising", "チラシ印刷", "株式会社印刷堂", 250_000, flyer)
        add_line("travel", "展示会出張の宿泊", "ホテル青葉", 22_000, hotel, region="domestic_kou", nights=2, per_night=11_000)
        assert "10,900" in page.locator("#add-line .errorlist").first.inner_text()
        assert ExpenseLine.objects.count() == 1
        add_line("travel", "展示会出張の宿泊", "ホテル青葉", 21_800, hotel, region="domestic_kou", nights=2, per_night=10_900)
        assert ExpenseLine.objects.count() == 2
        assert "ホテル青葉" in page.locator("#ledger").inner_text()
        page.fill("#report textarea[name=summary]", "チラシを配布し、展示会に出展しました。")
        page.check("#report input[name=confirm]")
        _submit(page, "report", "実績報告を提出する")
        assert page.locator("#award-status").inner_text() == "実績報告済"
        screenshot(page, "award-reported")

        # The reviewer: 確定検査 with a deduction explained.
        review.goto(f"/review/awards/{application.pk}/")
        advertising = ExpenseLine.objects.get(category="advertising")
        review.fill(f"input[name=accepted_{advertising.pk}]", "200000")
        _submit(review, "confirm", "額を確定する")
        assert "減額の理由" in review.content()  # the reason is missing: refused
        review.fill(f"input[name=reason_{advertising.pk}]", "見積外の追加印刷分は対象外")
        _submit(review, "confirm", "額を確定する")
        assert review.locator("#confirmed-amount").inner_text() == "147,866円"

        # The applicant: 精算払請求; the reviewer records the payment.
        page.goto(f"/awards/{application.pk}/")
        assert "見積外の追加印刷分は対象外" in page.locator("#ledger").inner_text()
        page.check("#claim input[name=confirm]")
        _submit(page, "claim", "精算払請求を提出する")
        review.goto(f"/review/awards/{application.pk}/")
        review.check("#pay input[name=confirm]")
        _submit(review, "pay", "支払を記録する")
        assert review.locator("#award-status").inner_text() == "支払済"

        page.goto(f"/awards/{application.pk}/")
        timeline = page.locator("#timeline").inner_text()
        for step in ("交付申請", "交付決定", "実績報告", "確定検査", "精算払請求", "補助金の支払", "収益状況報告の期限"):
            assert step in timeline
        page.goto("/mypage/notices/")
        assert "補助金お支払いのお知らせ" in page.content()
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"/awards/{application.pk}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "award-paid-390")
        assert Award.objects.get().status == "paid"
    finally:
        agency.close()
