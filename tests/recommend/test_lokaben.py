"""The diagnosis uses the latest complete fiscal year (a partner's partial year is flagged
and skipped), shows all six indicators or says why one is missing, adds the four
non-financial views, and exports the ロカベンシート as an Excel workbook."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from companies.models import BusinessPlan, BusinessProfile, Succession
from recommend.diagnosis import LABELS, diagnose
from tests.factories import (
    BusinessFactory,
    FinancialYearFactory,
    member_user,
    mfa_login,
)
from tests.programs.factories import SupportProgramFactory

pytestmark = pytest.mark.django_db


def _business_with_a_partner_year():
    """Seven complete years and, on top, the partner's 2025 with sales and ordinary profit only."""
    business = BusinessFactory(industry_jsic="26", employees=5, founded_year=1998, representative_name="山田 太郎")
    for i, year in enumerate(range(2018, 2025)):
        FinancialYearFactory(business=business, fiscal_year=year, sales=50_000_000 + i * 1_000_000)
    FinancialYearFactory(business=business, fiscal_year=2025, sales=288_000_000, ordinary_profit=5_000_000,
                         **{f: None for f in ["gross_profit", "operating_profit", "net_income", "depreciation",
                                             "personnel_cost", "total_assets", "net_assets", "interest_bearing_debt",
                                             "cash_and_deposits", "receivables", "inventory", "payables"]})
    return business


def test_the_partial_year_is_flagged_and_skipped():
    business = _business_with_a_partner_year()
    diagnosis = diagnose(business=business, years=list(business.financials.all()))
    assert diagnosis.fiscal_year == 2024
    assert [fy for fy, _missing in diagnosis.partial_years] == [2025]
    assert "営業利益" in diagnosis.partial_years[0][1] or "operating profit" in diagnosis.partial_years[0][1]
    growth = next(i for i in diagnosis.indicators if i.code == "sales_growth")
    assert growth.value == pytest.approx(56 / 55 - 1)  # not 288/56 − 1 (414%)
    assert len(diagnosis.indicators) == 6 and all(i.value is not None for i in diagnosis.indicators)
    assert [y.fiscal_year for y in diagnosis.years] == list(range(2018, 2025))


def test_every_indicator_is_shown_or_says_why_not():
    business = BusinessFactory(industry_jsic="26", employees=None)
    FinancialYearFactory(business=business, fiscal_year=2024, employees=None)
    diagnosis = diagnose(business=business, years=list(business.financials.all()))
    assert [i.code for i in diagnosis.indicators] == list(LABELS)
    missing = {i.code: i.missing_reason for i in diagnosis.indicators if i.value is None}
    assert set(missing) == {"sales_growth", "labour_productivity"}
    assert "2023" in missing["sales_growth"]
    assert all(missing.values())


def test_page_shows_six_indicators_the_flag_and_four_views(client):
    business = _business_with_a_partner_year()
    BusinessPlan.objects.create(business=business, management_policy="地域一番の町工場を目指す。", market="受注は横ばい。")
    BusinessProfile.objects.create(business=business, description="精密部品の加工。", customers="自動車部品メーカー")
    Succession.objects.create(business=business, status="後継者候補あり・準備中", successor_name="山田 次郎",
                              successor_relationship="長男")
    mfa_login(client, member_user(business))
    html = client.get(reverse("recommend:diagnosis")).content.decode()
    assert 'data-testid="partial-years"' in html and "2025" in html
    assert "2024" in html
    assert "475" not in html and "414" not in html
    for label in ["売上高増加率", "営業利益率", "労働生産性", "EBITDA有利子負債倍率", "営業運転資本回転期間", "自己資本比率"]:
        assert label in html, label
    for view in ["経営者", "事業", "企業を取り巻く環境と関係者", "内部管理体制"]:
        assert f">{view}</h3>" in html, view
    assert "地域一番の町工場を目指す。" in html and "山田 次郎（長男）" in html and "自動車部品メーカー" in html
    assert "1998" in html


def test_simulation_projects_from_the_latest_complete_year(client):
    business = _business_with_a_partner_year()
    program = SupportProgramFactory(name="設備投資の補助金", assumed_sales_uplift="0.050", assumed_investment=6_000_000)
    mfa_login(client, member_user(business))
    html = client.get(reverse("recommend:simulation"), {"program": program.pk}).content.decode()
    assert "財務データが登録されていません" not in html and "no financial year" not in html
    assert "2025" in html and "2027" in html  # three years after 2024


def test_the_lokaben_sheet_is_an_excel_workbook_of_what_the_page_shows(client):
    business = _business_with_a_partner_year()
    BusinessPlan.objects.create(business=business, strengths="熟練の研削技術")
    mfa_login(client, member_user(business))
    response = client.get(reverse("recommend:diagnosis_workbook"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="lokaben_2024.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["財務分析", "経年推移", "財務データ", "非財務"]
    analysis = [[c for c in row] for row in book["財務分析"].iter_rows(values_only=True)]
    flat = [str(c) for row in analysis for c in row if c is not None]
    assert business.name in flat and 2024 in [c for row in analysis for c in row]
    assert any("2025" in c for c in flat)  # the partial year is named as left out
    header = analysis.index(["指標", "算式", "値", "評価（1〜5）", "同業他社の中央値", "備考"])
    indicators = analysis[header + 1: header + 7]
    assert [row[0] for row in indicators] == ["売上高増加率", "営業利益率", "労働生産性", "EBITDA有利子負債倍率",
                                              "営業運転資本回転期間", "自己資本比率"]
    assert indicators[0][2] == "1.8%"  # 56 / 55 − 1
    assert all(row[3] in (1, 2, 3, 4, 5) for row in indicators)
    trend = list(book["経年推移"].iter_rows(values_only=True))
    assert list(trend[0][1:]) == list(range(2018, 2025))
    figures = list(book["財務データ"].iter_rows(values_only=True))
    assert figures[-1][0] == 2025 and figures[-1][-1] == "いいえ（不完全）"
    assert figures[1][1] == 50_000_000
    qualitative = list(book["非財務"].iter_rows(values_only=True))
    assert {row[0] for row in qualitative[1:]} == {"経営者", "事業", "企業を取り巻く環境と関係者", "内部管理体制"}
    assert ("事業", "強み", "熟練の研削技術") in qualitative


def test_the_workbook_is_for_the_business_user_only(client):
    from tests.factories import institution_staff

    mfa_login(client, institution_staff())
    assert client.get(reverse("recommend:diagnosis_workbook")).status_code == 403
