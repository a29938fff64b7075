"""analyst@ filters the dashboard by prefecture and downloads the CSV; researcher@
downloads an extract. Real sign-in with TOTP, Chart.js from static/vendor."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from accounts.models import ResearcherProfile, User
from analytics.dashboard import dashboard_summary_refresh
from analytics.models import ExtractDownload
from consent.policy_loader import ensure_policy_installed as policy_in_force
from tests.analytics.factories import ApplicationFactory
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, BusinessFactory, UserFactory, with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_filters_by_prefecture_and_downloads_csv_then_researcher_extracts(page, screenshot):
    policy_in_force()
    tokyo = BusinessFactory(prefecture="13", industry_jsic="58")
    osaka = BusinessFactory(prefecture="27", industry_jsic="24")
    for _ in range(3):
        ApplicationFactory(business=tokyo, fiscal_year=2023, adopted=True)
    ApplicationFactory(business=tokyo, fiscal_year=2023, rejected=True)
    ApplicationFactory(business=osaka, fiscal_year=2023, adopted=True)
    dashboard_summary_refresh()

    analyst = UserFactory(email="analyst@agency.demo.mirasapo.jp", kind=User.Kind.AGENCY_STAFF, is_staff=True)
    secret = with_totp(analyst)
    sign_in(page, analyst.email, PASSWORD, totp_secret=secret)
    page.goto("/analytics/dashboard/")
    assert page.locator("h1").inner_text() == "申請・採択ダッシュボード"
    assert page.locator("#total-applications").inner_text() == "5"
    page.select_option("select[name=prefecture]", "13")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert "prefecture=13" in page.url
    assert page.locator("#total-applications").inner_text() == "4"
    assert page.locator("#total-rate").inner_text() == "75.0%"
    page.wait_for_function("() => typeof Chart !== 'undefined' && Chart.getChart('chart-main') !== undefined")
    screenshot(page, "analytics-dashboard-tokyo")
    with page.expect_download() as info:
        page.click("#download-csv")
    text = open(info.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.DictReader(io.StringIO(text)))
    # The dashboard's CSV is for people: Japanese headers (its header is not fixed by api.md).
    assert [(r["年度"], r["申請件数"], r["採択件数"]) for r in rows] == [("2023", "4", "3")]
    page.context.clear_cookies()  # a different person at another desk

    scholar = UserFactory(email="researcher@univ.demo.mirasapo.jp", kind=User.Kind.RESEARCHER)
    ResearcherProfile.objects.create(user=scholar, affiliation="みらさぽ大学", pledge_status="approved",
                                     approved_until=dt.date.today() + dt.timedelta(days=100))
    secret = with_totp(scholar, "MIRASAPORESEARCHDEMO2345")
    sign_in(page, scholar.email, PASSWORD, totp_secret=secret)
    page.goto("/research/extract/")
    screenshot(page, "analytics-research-extract")
    with page.expect_download() as info:
        page.click("#download-extract")
    raw = open(info.value.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel in Japan (api.md)
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("corporate_number,sole_proprietor_name,address,")
    assert len(lines) == 6
    log = ExtractDownload.objects.get(user=scholar)
    assert log.completed and log.row_count == 5
