"""Each dashboard figure against a hand count on small data, the consent rules of the
summary, drill-down, CSV, and the query count of the page."""

from __future__ import annotations

import csv
import io

import pytest

from analytics import dashboard as dash
from analytics.models import SummaryRefresh
from applications.models import Application, Program
from tests.analytics.factories import ApplicationFactory, narrow
from tests.factories import (
    BusinessFactory,
    institution_staff,
    mfa_login,
    prime_user,
    researcher,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_data():
    """Hand-countable:
    FY2022 jizokuka r1, Tokyo(13)/58: 3 applications, 2 adopted (400k each), 1 rejected
    FY2022 monodukuri r2, Osaka(27)/24: 2 applications, 1 adopted (400k), 1 undecided
    FY2023 jizokuka r3, Tokyo(13)/76: 1 application, adopted
    plus one draft and one withdrawn (never counted) and one procedure without opt-in (not counted)
    and one procedure with opt-in (counted, certified, no review)."""
    tokyo_retail = BusinessFactory(prefecture="13", industry_jsic="58")
    tokyo_food = BusinessFactory(prefecture="13", industry_jsic="76")
    osaka = BusinessFactory(prefecture="27", industry_jsic="24")
    ApplicationFactory(business=tokyo_retail, fiscal_year=2022, round_number=1, adopted=True)
    ApplicationFactory(business=tokyo_retail, fiscal_year=2022, round_number=1, adopted=True)
    ApplicationFactory(business=tokyo_retail, fiscal_year=2022, round_number=1, rejected=True)
    ApplicationFactory(business=osaka, program=Program.MONODUKURI, fiscal_year=2022, round_number=2, adopted=True)
    ApplicationFactory(business=osaka, program=Program.MONODUKURI, fiscal_year=2022, round_number=2)
    ApplicationFactory(business=tokyo_food, fiscal_year=2023, round_number=3, adopted=True)
    ApplicationFactory(business=tokyo_food, fiscal_year=2023, round_number=3, status=Application.Status.DRAFT, receipt_number=None)
    ApplicationFactory(business=tokyo_food, fiscal_year=2023, round_number=3, status=Application.Status.WITHDRAWN)
    ApplicationFactory(business=osaka, program=Program.KEIEIRYOKU_KOJO, fiscal_year=2023, round_number=None,
                       status=Application.Status.CERTIFIED, data_use_consent=False)
    ApplicationFactory(business=osaka, program=Program.KEIEIRYOKU_KOJO, fiscal_year=2023, round_number=None,
                       status=Application.Status.CERTIFIED, data_use_consent=True, requested_amount=None)
    dash.dashboard_summary_refresh()
    return {"tokyo_retail": tokyo_retail, "tokyo_food": tokyo_food, "osaka": osaka}


def _by(rows, field):
    return {tuple(r.key.values()) if len(r.key) > 1 else r.key[field]: r for r in rows}


def test_figures_by_fiscal_year_match_hand_count(small_data):
    rows = _by(dash.dashboard_breakdown(viewer=None, by="fiscal_year", filters={}), "fiscal_year")
    assert (rows[2022].applications, rows[2022].decided, rows[2022].adopted) == (5, 4, 3)
    assert rows[2022].adoption_rate == 75.0
    assert rows[2022].granted_amount == 3 * 400_000
    assert rows[2022].requested_amount == 5 * 500_000
    # FY2023: the adopted jizokuka + the opted-in procedure; draft, withdrawn and no-opt-in excluded.
    assert (rows[2023].applications, rows[2023].decided, rows[2023].adopted) == (2, 1, 1)


def test_figures_by_program_round_prefecture_industry(small_data):
    programs = _by(dash.dashboard_breakdown(viewer=None, by="program", filters={}), "program")
    assert programs["jizokuka_general"].applications == 4 and programs["jizokuka_general"].adopted == 3
    assert programs["monodukuri"].applications == 2 and programs["monodukuri"].adoption_rate == 100.0
    assert programs["keieiryoku_kojo"].applications == 1 and programs["keieiryoku_kojo"].adoption_rate is None
    rounds = _by(dash.dashboard_breakdown(viewer=None, by="round", filters={}), "round")
    assert rounds[("jizokuka_general", 1)].applications == 3
    assert rounds[("monodukuri", 2)].adopted == 1
    prefs = _by(dash.dashboard_breakdown(viewer=None, by="prefecture", filters={}), "prefecture")
    assert prefs["13"].applications == 4 and prefs["13"].adopted == 3
    assert prefs["27"].applications == 3 and prefs["27"].adopted == 1
    industries = _by(dash.dashboard_breakdown(viewer=None, by="industry", filters={"prefecture": "13"}), "industry")
    assert set(industries) == {"58", "76"}
    assert industries["58"].applications == 3 and industries["76"].applications == 1


def test_filters_combine(small_data):
    rows = dash.dashboard_breakdown(viewer=None, by="prefecture", filters={"fiscal_year": 2022, "program": "jizokuka_general"})
    assert [(r.key["prefecture"], r.applications, r.adopted) for r in rows] == [("13", 3, 2)]
    totals = dash.dashboard_totals(viewer=None, filters={"prefecture": "27"})
    assert (totals.applications, totals.adopted, totals.granted_amount) == (3, 1, 400_000)


def test_narrowings_apply_per_class(small_data):
    # class 9 narrowed for the agency: still counted as an application, not as decided/adopted
    narrow(small_data["osaka"], data_class=9, recipient=2)
    # class 1 narrowed for purpose 2 only: the business disappears from the summary
    narrow(small_data["tokyo_food"], data_class=1, recipient=2, purpose=2)
    # a narrowing for another purpose changes nothing
    narrow(small_data["tokyo_retail"], data_class=10, recipient=2, purpose=1)
    dash.dashboard_summary_refresh()
    prefs = _by(dash.dashboard_breakdown(viewer=None, by="prefecture", filters={}), "prefecture")
    assert (prefs["27"].applications, prefs["27"].decided, prefs["27"].adopted) == (3, 0, 0)
    assert prefs["27"].granted_amount == 400_000  # class 10
    assert (prefs["13"].applications, prefs["13"].adopted) == (3, 2)


def test_requested_amount_needs_class_8(small_data):
    narrow(small_data["tokyo_retail"], data_class=8, recipient=2)
    dash.dashboard_summary_refresh()
    totals = dash.dashboard_totals(viewer=None, filters={"prefecture": "13"})
    assert totals.requested_amount == 500_000  # only tokyo_food's adopted application
    assert totals.applications == 4


def test_refresh_records_freshness(small_data):
    refresh = SummaryRefresh.objects.order_by("-finished_at").first()
    assert refresh.source_rows == 7 and refresh.cells >= 4


def test_page_renders_tables_map_and_drill_down(agency_client, small_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        response = agency_client.get("/analytics/dashboard/", {"by": "prefecture", "fiscal_year": 2022})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-prefecture="13"' in html and 'data-prefecture="47"' in html  # all 47 tiles
    assert html.count("<rect") == 47
    assert "?fiscal_year=2022&amp;prefecture=13&amp;by=industry" in html  # drill-down link
    assert 'id="chart-main-data"' in html and "chart.umd.js" in html
    assert 'style="' not in html  # CSP: no inline styles


def test_csv_matches_table(agency_client, small_data):
    response = agency_client.get("/analytics/dashboard/", {"by": "program", "fiscal_year": 2022, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["制度コード"]: (int(r["申請件数"]), int(r["採択件数"])) for r in rows} == {"jizokuka_general": (3, 2), "monodukuri": (2, 1)}


@pytest.mark.parametrize("who", ["business", "institution", "researcher"])
def test_only_agency_staff(client, who, small_data):
    user = {"business": prime_user, "institution": institution_staff, "researcher": researcher}[who]()
    mfa_login(client, user)
    assert client.get("/analytics/dashboard/").status_code == 403


def test_anonymous_redirected(client):
    response = client.get("/analytics/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_task_rebuilds(small_data):
    from analytics.tasks import refresh_dashboard_summary

    BusinessFactory()
    ApplicationFactory(business=small_data["osaka"], fiscal_year=2024, round_number=4, adopted=True)
    refresh_dashboard_summary.delay()
    rows = _by(dash.dashboard_breakdown(viewer=None, by="fiscal_year", filters={}), "fiscal_year")
    assert rows[2024].adopted == 1
