"""The whole lifecycle of a 持続化補助金 application in a real browser, from the first draft
to the final payment, with real files, as the applicant, the advisor and the reviewer:

owner@ asks 仙台商工会 for the 様式4 from the draft (approving the disclosure in the same
step) → advisor@ reads the draft (through the approval) and comments → owner@ replies →
advisor@ issues the 様式4 (a PDF, read back with pdftotext) → owner@ submits → the reviewer
starts the review, scores by the call's criteria and adopts → owner@ requests the grant →
the reviewer decides it → owner@ enters the ledger with uploaded receipts (a lodging line
over its cap is refused) and reports → the reviewer confirms with a deduction explained →
owner@ claims → the reviewer records the payment. At every step after adoption the
application's own page and the API show the award's step as the application's status.
"""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.utils import timezone

from tests.applications.factories import SubsidyRoundFactory, business_with_record
from tests.applications.helpers import COMPLETE_JIZOKUKA, ensure_reference_data
from tests.awards.helpers import vault_storage_at
from tests.browser.conftest import sign_in
from tests.documents.files import pdf_bytes
from tests.factories import PASSWORD, InstitutionFactory, UserFactory, with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _context(browser, live_server):
    context = browser.new_context(locale="ja-JP", base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _submit(page, section: str, button: str) -> None:
    page.locator(f"#{section}").get_by_role("button", name=button).click()
    page.wait_for_load_state()


def _api_status(page, application_id: int) -> tuple[str, list[str]]:
    """The application's status and timeline as GET /api/v1/applications gives them (the
    page's own session)."""
    rows = page.request.get("/api/v1/applications", headers={"Accept": "application/json"}).json()
    row = next(r for r in rows if r["id"] == application_id)
    return row["status"], [s["status"] for s in row["timeline"]]


def test_first_draft_to_final_payment(chromium_browser, live_server, page, screenshot, settings, tmp_path):
    from accounts.models import Membership, User
    from applications import services as application_services
    from applications.models import Application
    from awards.models import Award, ExpenseLine
    from reviews.criteria import install_criteria

    ensure_reference_data()
    vault_storage_at(settings, tmp_path)
    business = business_with_record(name="株式会社青葉精機", prefecture="04", municipality="仙台市")
    owner = UserFactory(email="owner@demo.mirasapo.jp", full_name="青葉 一郎")
    Membership.objects.create(user=owner, business=business, account_type="prime")
    owner_secret = with_totp(owner)
    shokokai = InstitutionFactory(name="仙台商工会", prefecture="04", municipality="仙台市")
    InstitutionFactory(name="大阪商工会議所", kind="chamber", prefecture="27", municipality="大阪市")  # not of the area
    advisor = UserFactory(email="advisor@shokokai.example.jp", kind=User.Kind.INSTITUTION_STAFF, institution=shokokai,
                          full_name="商工 太郎")
    advisor_secret = with_totp(advisor, "MIRASAPOADVISORTESTMIRASAPOADVI6")
    reviewer = UserFactory(email="reviewer@agency.example.jp", kind=User.Kind.AGENCY_STAFF, is_staff=True, full_name="審査 花子")
    reviewer_secret = with_totp(reviewer, "MIRASAPOREVIEWERTESTMIRASAPOREV6")
    round_ = SubsidyRoundFactory()
    install_criteria(round_)
    draft = application_services.application_start(actor=owner, program="jizokuka_general", subsidy_round=round_,
                                                    accepted_classes=set(range(1, 14)))
    application_services.application_save_draft(actor=owner, application_id=draft.pk, content=dict(COMPLETE_JIZOKUKA),
                                                 confirm_all=True)

    # owner@ asks for the 様式4 from the draft: only the area's 商工会・商工会議所 are offered.
    sign_in(page, owner.email, PASSWORD, totp_secret=owner_secret)
    page.goto(f"/applications/{draft.pk}/")
    page.click("#ask-form4-link")
    options = page.locator("select[name=institution] option").all_inner_texts()
    assert any("仙台商工会" in o for o in options) and not any("大阪" in o for o in options)
    page.select_option("select[name=institution]", str(shokokai.pk))
    page.uncheck("input[name=data_classes][value='6']")  # no financials for this advisor
    page.fill("textarea[name=message]", "様式4の発行をお願いします。")
    page.check("input[name=approve]")
    screenshot(page, "form4-1-owner-asks-and-approves")
    page.click("#ask-form4")
    page.wait_for_url("**/form4/*/")
    assert page.inner_text("#form4-status") == "依頼済み"
    request_url = page.url

    # advisor@ takes it up, reads the draft (no financials), comments.
    advisor_context, advisor_page = _context(chromium_browser, live_server)
    sign_in(advisor_page, advisor.email, PASSWORD, totp_secret=advisor_secret)
    advisor_page.goto("/institution/form4/")
    advisor_page.click("#form4-queue a")
    advisor_page.click("#take-up")
    advisor_page.wait_for_load_state()
    draft_text = advisor_page.inner_text("#draft")
    assert COMPLETE_JIZOKUKA["plan_title"] in draft_text and "60000000" not in draft_text and "担当 花子" not in draft_text
    assert advisor_page.inner_text("#business-name") == "株式会社青葉精機"
    advisor_page.fill("#new-comment", "販路開拓の取組内容に、対象顧客と数値目標を書き足してください。")
    advisor_page.click("#send-comment")
    advisor_page.wait_for_load_state()
    assert advisor_page.inner_text("#form4-status") == "支援機関からコメントあり"

    # owner@ sees the comment and replies in its thread.
    page.goto(request_url)
    assert "対象顧客と数値目標" in page.inner_text("#comments")
    page.click("#comments details summary")
    page.fill("#comments details textarea[name=body]", "県外の30〜40代の顧客、売上10%増を追記しました。")
    page.click("#comments details button[type=submit]")
    page.wait_for_load_state()
    assert "売上10%増を追記しました" in page.inner_text("#comments")
    screenshot(page, "form4-2-owner-replies")

    # advisor@ fills in the 様式4 and issues it (confirmation required).
    advisor_page.reload()
    assert "売上10%増を追記しました" in advisor_page.inner_text("#comments")
    assert advisor_page.inner_text("#form4-status") == "支援機関が確認中"
    advisor_page.fill("textarea[name=region_findings]", "仙台市内の商店街では来街者が減少しており、販路開拓が課題である。")
    advisor_page.fill("textarea[name=plan_findings]", "熟練の技術を活かしたネット販売の計画は具体的で実現可能性が高い。")
    advisor_page.fill("textarea[name=support_content]", "補助事業期間中は月1回の巡回指導を行い、完了後も助言を続ける。")
    advisor_page.check("#confirm-issue")
    screenshot(advisor_page, "form4-3-advisor-issues")
    advisor_page.click("#issue-form4")
    advisor_page.wait_for_load_state()
    assert advisor_page.inner_text("#form4-status") == "交付済み"
    advisor_context.close()

    # owner@ downloads the 様式4 (Japanese text in the PDF) and submits.
    page.goto(request_url)
    assert page.inner_text("#form4-status") == "交付済み"
    page.click("#form4-pdf")
    with page.expect_download() as download:
        page.click("a[href$='/file/']")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", download.value.path(), "-"], capture_output=True, check=True,
                          text=True).stdout
    assert "事業支援計画書" in text and "仙台商工会" in text and "商工 太郎" in text and "株式会社青葉精機" in text
    page.goto(f"/applications/{draft.pk}/submit/")
    page.check("input[name=pledge]")
    page.get_by_role("button", name="提出する").click()
    page.wait_for_url(f"**/applications/{draft.pk}/")
    assert "申請を提出しました" in page.content()
    screenshot(page, "form4-4-owner-submitted")

    # The reviewer starts the review, scores by the criteria of the call and adopts.
    reviewer_context, reviewer_page = _context(chromium_browser, live_server)
    sign_in(reviewer_page, reviewer.email, PASSWORD, totp_secret=reviewer_secret)
    reviewer_page.goto(f"/review/applications/{draft.pk}/")
    reviewer_page.get_by_role("button", name="審査を開始").click()
    reviewer_page.wait_for_load_state()
    reviewer_page.click("#score-link")
    for name, points in (("c_analysis", "16"), ("c_policy", "15"), ("c_plan", "41"), ("c_budget", "17")):
        reviewer_page.fill(f"input[name={name}]", points)
    reviewer_page.click("#save-scores")
    reviewer_page.wait_for_load_state()
    assert "40" in reviewer_page.inner_text("main") and Application.objects.get(pk=draft.pk).review_score is None  # 41 > 40: refused
    reviewer_page.fill("input[name=c_plan]", "32")
    reviewer_page.click("#save-scores")
    reviewer_page.wait_for_load_state()
    assert reviewer_page.inner_text("#review-score").startswith("80.00")
    reviewer_page.check("input[name=result][value=adopted]")
    reviewer_page.check("input[name=confirm]")
    screenshot(reviewer_page, "form4-5-reviewer-scores")
    reviewer_page.click("#record-decision")
    reviewer_page.wait_for_url(f"**/review/applications/{draft.pk}/")
    adopted = Application.objects.get(pk=draft.pk)
    assert adopted.status == "adopted" and adopted.review_score == 80 and adopted.granted_amount == adopted.requested_amount

    # owner@ sees the adoption (the state the post-award flow starts from), not the score.
    page.goto(f"/applications/{draft.pk}/")
    assert "採択" in page.inner_text("main") and "80.00" not in page.content()
    screenshot(page, "form4-6-owner-adopted")

    # owner@ requests the grant (交付申請) from the application page, with real receipts to come.
    application = adopted
    flyer = tmp_path / "領収書_チラシ.pdf"
    flyer.write_bytes(pdf_bytes("flyer-receipt"))
    hotel = tmp_path / "領収書_ホテル.pdf"
    hotel.write_bytes(pdf_bytes("hotel-receipt"))
    today = timezone.localdate()
    review = reviewer_page
    try:
        assert _api_status(page, application.pk) == ("adopted", ["draft", "submitted", "under_review", "adopted"])
        page.click("#award-link")
        page.select_option("#grant-request select[name=tax_mode]", "excluded")
        page.check("#grant-request input[name=confirm]")
        _submit(page, "grant-request", "交付申請を提出する")
        assert page.locator("#award-status").inner_text() == "交付申請済"
        page.goto(f"/applications/{application.pk}/")
        assert "交付申請済" in page.locator("main dl").first.inner_text()  # the application's own status follows

        # The reviewer: 交付決定.
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
        # The application's own page and the API give the same step, and the API's timeline
        # is every step from the first draft to the payment, in order.
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"/applications/{application.pk}/")
        assert "支払済" in page.locator("main dl").first.inner_text()
        assert _api_status(page, application.pk) == ("paid", [
            "draft", "submitted", "under_review", "adopted", "grant_requested", "granted", "reported", "confirmed",
            "claimed", "paid"])
        assert Application.objects.get(pk=application.pk).status == "adopted"  # the review's outcome stays as decided
    finally:
        reviewer_context.close()
