"""A Prime holder takes the self-check wizard from eligibility to "start this application":
pre-filled from the record, a frame with its conditions, the re-application table, the
minimum wage against the prefecture's regional minimum, then the pre-filled application."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.applications.factories import SubsidyRoundFactory, business_with_record
from tests.applications.helpers import ensure_reference_data
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, UserFactory, with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_wizard_from_eligibility_to_start(page, screenshot):
    from accounts.models import Membership
    from applications.models import Application, Frame, MinimumWage

    ensure_reference_data()
    business = business_with_record(name="株式会社みなと食品", industry_jsic="58", employees=3, prefecture="13")
    owner = UserFactory(email="wizard-owner@example.jp")
    Membership.objects.create(user=owner, business=business, account_type="prime")
    secret = with_totp(owner)
    round_ = SubsidyRoundFactory()
    Frame.objects.create(subsidy_round=round_, kind="normal", cap=500_000)
    wage = Frame.objects.create(subsidy_round=round_, kind="wage_increase", cap=2_000_000, wage_increase_yen=30, requires_wage_records=True)
    MinimumWage.objects.create(prefecture="13", fiscal_year=2026, hourly=1200, effective_on=dt.date(2026, 10, 1))

    sign_in(page, owner.email, PASSWORD, totp_secret=secret)
    page.goto("/eligibility/jizokuka/check/")
    # Step 1: pre-filled from the record.
    assert page.input_value("select[name=main_jsic]") == "58"
    assert page.input_value("input[name=regular]") == "3"
    page.select_option("select[name=subsidy_round]", str(round_.pk))
    page.fill("input[name=regular]", "6")  # one over the commerce limit
    page.get_by_role("button", name="次へ").click()
    page.wait_for_url("**/check/frame/")
    assert "5人以下" in page.locator("#wizard-verdicts").inner_text()
    page.go_back()
    page.fill("input[name=regular]", "5")  # exactly at the limit
    page.get_by_role("button", name="次へ").click()
    page.wait_for_url("**/check/frame/")
    # Step 2: the frames of the round, as data.
    assert "賃金引上げ枠" in page.content() and "2,000,000" in page.content()
    page.check(f"input[name=frame][value='{wage.pk}']")
    page.get_by_role("button", name="次へ").click()
    page.wait_for_url("**/check/reapply/")
    # Step 3: re-application.
    page.get_by_role("button", name="次へ").click()
    page.wait_for_url("**/check/wage/")
    # Step 4: minimum wage of the lowest-paid employee.
    assert page.input_value("select[name=prefecture]") == "13"
    # The wage ledger, one employee a block: a monthly-paid employee and a part-timer.
    page.fill("input[name=emp-0-name]", "正社員A")
    page.select_option("select[name=emp-0-kind]", "monthly")
    page.fill("input[name=emp-0-base]", "300000")
    page.fill("input[name=emp-0-commuting]", "15000")
    page.fill("input[name=emp-0-monthly_hours]", "160")
    page.fill("input[name=emp-1-name]", "パートB")
    page.select_option("select[name=emp-1-kind]", "hourly")
    page.fill("input[name=emp-1-base]", "1200")
    page.fill("input[name=emp-1-attendance]", "300")
    for box in page.locator("input[name=wage_ledger_items], input[name=worker_register_items]").all():
        box.check()
    page.fill("input[name=planned_wage_hourly]", "1230")
    screenshot(page, "selfcheck-wizard-wage")
    page.get_by_role("button", name="次へ").click()
    page.wait_for_url("**/check/result/")
    verdicts = page.locator("#wizard-verdicts").inner_text()
    assert "東京都" in verdicts and "1200" in verdicts.replace(",", "")
    assert "賃金台帳" in page.content()
    screenshot(page, "selfcheck-wizard-result")
    page.click("#wizard-start")
    page.wait_for_url("**/applications/new/jizokuka_general/**")
    assert page.input_value("select[name=subsidy_round]") == str(round_.pk)
    page.get_by_role("button", name="申請を始める").click()
    page.wait_for_url("**/edit/")
    application = Application.objects.get(business=business)
    assert application.frame == wage
    # The wage frame's questions are on the form.
    assert page.locator("input[name=lowest_wage_hourly]").count() == 1
    assert page.locator("input[name=wage_ledger_items]").count() == 10
