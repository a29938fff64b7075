"""owner@ sees recommendations with reasons, saves a case study, opens the diagnosis with
its chart (screenshots in var/screenshots/)."""

from __future__ import annotations

import pytest

from companies.models import Challenge
from recommend.models import Favourite
from tests.browser.conftest import sign_in
from tests.factories import (
    PASSWORD,
    BusinessFactory,
    FinancialYearFactory,
    UserFactory,
    with_totp,
)
from tests.programs.factories import CaseStudyFactory, SupportProgramFactory
from tests.recommend.factories import ensure_policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_sees_recommendations_saves_a_case_and_opens_the_diagnosis(page, screenshot):
    from accounts.models import Membership

    ensure_policy()
    business = BusinessFactory(name="株式会社青葉精機", prefecture="04", industry_jsic="26", employees=4)
    Challenge.objects.create(business=business, theme="productivity", description="受発注の紙管理をやめて生産性を上げたい。")
    FinancialYearFactory(business=business, fiscal_year=2023, sales=52_000_000)
    FinancialYearFactory(business=business, fiscal_year=2024, sales=50_000_000, net_assets=2_000_000)
    for n in range(5):  # comparable businesses on the portal
        peer = BusinessFactory(prefecture="04", industry_jsic="26", employees=3 + n % 3)
        FinancialYearFactory(business=peer, fiscal_year=2023)
        FinancialYearFactory(business=peer, fiscal_year=2024, net_assets=8_000_000 + n * 1_000_000)
    SupportProgramFactory(name="IT導入補助金（通常枠）", themes=["productivity"], tags=["受発注"])
    case = CaseStudyFactory(title="町工場が受発注をクラウド化", industry_jsic="26", prefecture="04", themes=["productivity"])
    owner = UserFactory(email="owner@demo.mirasapo.jp")
    Membership.objects.create(user=owner, business=business, account_type=Membership.AccountType.PRIME)
    secret = with_totp(owner)

    sign_in(page, "owner@demo.mirasapo.jp", PASSWORD, totp_secret=secret)
    page.goto("/mypage/recommendations/")
    assert page.get_by_role("heading", name="おすすめ", exact=True).is_visible()
    program_card = page.locator(".recommendation", has_text="IT導入補助金（通常枠）")
    assert program_card.locator(".reasons").inner_text().count("\n") >= 1
    assert "従業員規模が対象" in program_card.inner_text() or "課題「" in program_card.inner_text()
    case_card = page.locator(f".recommendation[data-kind=case_study][data-id='{case.pk}']")
    assert "同じ業種の事例" in case_card.inner_text()
    screenshot(page, "recommend-recommendations")

    case_card.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert Favourite.objects.filter(business=business, case_study=case).exists()
    page.goto("/mypage/saved/")
    assert page.get_by_role("link", name="町工場が受発注をクラウド化").is_visible()

    page.goto("/mypage/diagnosis/")
    page.wait_for_selector("body[data-charts-ready=true]")
    assert page.locator("#radar-chart").bounding_box()["height"] > 100
    assert page.locator("#series-charts canvas").count() == 6
    assert "自己資本比率" in page.locator("table").first.inner_text()
    screenshot(page, "recommend-diagnosis")
