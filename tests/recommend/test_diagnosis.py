from __future__ import annotations

import pytest
from django.urls import reverse

from companies.models import FinancialYear
from recommend.diagnosis import (
    MIN_PEERS,
    diagnose,
    indicators_of,
    level_by_reference,
    rate_fraction,
    simulate,
)
from recommend.models import IndicatorScale
from tests.factories import (
    BusinessFactory,
    FinancialYearFactory,
    member_user,
    mfa_login,
)
from tests.programs.factories import SupportProgramFactory

from .factories import deny

pytestmark = pytest.mark.django_db


def test_the_six_indicators_follow_meti_formulas():
    previous = FinancialYear(fiscal_year=2023, sales=40_000_000)
    year = FinancialYear(fiscal_year=2024, sales=50_000_000, operating_profit=3_000_000, depreciation=1_000_000,
                         interest_bearing_debt=15_000_000, cash_and_deposits=7_000_000, receivables=5_000_000,
                         inventory=2_000_000, payables=3_000_000, net_assets=12_000_000, total_assets=40_000_000, employees=6)
    values = indicators_of(year, previous)
    assert values["sales_growth"] == pytest.approx(0.25)
    assert values["operating_margin"] == pytest.approx(0.06)
    assert values["labour_productivity"] == pytest.approx(500_000)
    assert values["ebitda_debt_ratio"] == pytest.approx(2.0)  # (15 - 7) / (3 + 1)
    assert values["working_capital_period"] == pytest.approx(4_000_000 / (50_000_000 / 12))
    assert values["equity_ratio"] == pytest.approx(0.3)


def test_cut_points_are_data_loaded_by_migration():
    scales = {s.code: s for s in IndicatorScale.objects.all()}
    assert set(scales) == {"sales_growth", "operating_margin", "labour_productivity", "ebitda_debt_ratio",
                           "working_capital_period", "equity_ratio"}
    equity = scales["equity_ratio"]
    assert level_by_reference(equity, -0.1) == 1 and level_by_reference(equity, 0.5) == 5
    debt = scales["ebitda_debt_ratio"]  # lower is better
    assert level_by_reference(debt, 0.5) == 5 and level_by_reference(debt, 12) == 1
    # Changing the data changes the level, with no code change.
    equity.reference_cuts = [0.6, 0.7, 0.8, 0.9]
    equity.save()
    assert level_by_reference(IndicatorScale.objects.get(code="equity_ratio"), 0.5) == 1


def _peer(net_assets: int, **business):
    peer = BusinessFactory(industry_jsic="26", employees=5, **business)
    FinancialYearFactory(business=peer, fiscal_year=2023)
    FinancialYearFactory(business=peer, fiscal_year=2024, net_assets=net_assets)
    return peer


def test_scored_against_consenting_peers_only_and_never_below_five():
    business = BusinessFactory(industry_jsic="26", employees=5)
    FinancialYearFactory(business=business, fiscal_year=2023)
    FinancialYearFactory(business=business, fiscal_year=2024, net_assets=20_000_000)  # equity 0.5
    peers = [_peer(n) for n in (2_000_000, 4_000_000, 6_000_000, 8_000_000)]
    diagnosis = diagnose(business=business, years=list(business.financials.all()))
    equity = next(i for i in diagnosis.indicators if i.code == "equity_ratio")
    assert diagnosis.peer_count == 4 < MIN_PEERS
    assert equity.by_peers is False and equity.peer_median is None and equity.level == 5
    # A fifth peer that denies class 6 for purpose 5 to recipient 2 does not count.
    refusing = _peer(30_000_000)
    deny(refusing, data_class=6, recipients=(2,), purpose=5)
    assert diagnose(business=business, years=list(business.financials.all())).peer_count == 4
    _peer(36_000_000)  # equity 0.9: better than ours
    diagnosis = diagnose(business=business, years=list(business.financials.all()))
    equity = next(i for i in diagnosis.indicators if i.code == "equity_ratio")
    assert diagnosis.peer_count == 5 and equity.by_peers
    assert equity.level == 5  # beats 4 of 5 = 80th percentile
    assert equity.peer_median == pytest.approx(0.15)  # of 0.05, 0.1, 0.15, 0.2, 0.9
    assert len(peers) == 4


def test_diagnosis_page_shows_chart_data_and_weak_point_support(client):
    business = BusinessFactory(industry_jsic="26", employees=5)
    FinancialYearFactory(business=business, fiscal_year=2023, sales=60_000_000)
    FinancialYearFactory(business=business, fiscal_year=2024, sales=50_000_000, net_assets=-1_000_000)
    SupportProgramFactory(name="財務体質強化の制度", themes=["finance"])
    user = member_user(business)
    mfa_login(client, user)
    response = client.get(reverse("recommend:diagnosis"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="diagnosis-data"' in html and 'id="radar-chart"' in html and "vendor/chart.umd.js" in html
    assert "自己資本比率" in html and "財務体質強化の制度" in html
    assert "<script>" not in html.replace('<script src=', '')  # no inline script (CSP)


def test_diagnosis_requires_a_business_user(client):
    from tests.factories import institution_staff

    mfa_login(client, institution_staff())
    assert client.get(reverse("recommend:diagnosis")).status_code == 403
    client.logout()
    assert client.get(reverse("recommend:diagnosis")).status_code == 302


def test_simulation_shows_assumptions_and_projection(client):
    business = BusinessFactory(industry_jsic="26", employees=5)
    FinancialYearFactory(business=business, fiscal_year=2023, sales=48_000_000)
    FinancialYearFactory(business=business, fiscal_year=2024, sales=50_000_000)
    program = SupportProgramFactory(name="設備投資の補助金", assumed_sales_uplift="0.050", assumed_cost_saving="0.010",
                                    assumed_investment=6_000_000, amount_max=3_000_000, rate="2/3")
    mfa_login(client, member_user(business))
    response = client.get(reverse("recommend:simulation"), {"program": program.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "前提" in html and "2025" in html and "3,000,000" in html  # subsidy capped at the maximum
    bad = client.get(reverse("recommend:simulation"), {"program": "abc"})
    assert "一覧から支援制度を選んでください。" in bad.content.decode()


def test_simulation_model():
    business = BusinessFactory(employees=5)
    FinancialYearFactory(business=business, fiscal_year=2023, sales=50_000_000)
    FinancialYearFactory(business=business, fiscal_year=2024, sales=50_000_000, operating_profit=5_000_000)
    program = SupportProgramFactory(assumed_sales_uplift="0.100", assumed_cost_saving="0", assumed_investment=None)
    projection = simulate(diagnosis=diagnose(business=business, years=list(business.financials.all())), program=program)
    first = projection.rows[0]
    assert first["sales_base"] == 50_000_000 and first["sales_with"] == 55_000_000
    assert first["operating_profit_with"] == 5_500_000
    assert rate_fraction("2/3") == pytest.approx(2 / 3) and rate_fraction("") == 0.0
