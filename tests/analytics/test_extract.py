"""The research extract: exactly the ※5 header, nothing beyond it, every narrowing
honoured, streamed, logged with the file's SHA-256; refused to everyone else."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io

import pytest
from django.http import StreamingHttpResponse

from analytics.extract import HEADER, stream_extract
from analytics.models import ExtractDownload
from applications.models import Application, Program
from core.models import AuditEvent
from tests.analytics.factories import ApplicationFactory, narrow
from tests.factories import (
    BusinessFactory,
    FinancialYearFactory,
    agency_staff,
    institution_staff,
    mfa_login,
    prime_user,
    researcher,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/research/extract"
API_HEADER = ("corporate_number, sole_proprietor_name, address, representative, phone, employees, capital, offices, founded_year, "
              "prefecture, industry_jsic_middle, sales, ordinary_profit, value_added, review_result, review_score, program, "
              "application_fiscal_year, implementation_fiscal_year, round").split(", ")


def _download(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content)
    if params.get("encoding") == "cp932":
        return response, body, list(csv.reader(io.StringIO(body.decode("cp932"))))
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel in Japan (api.md)
    return response, body, list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def approved(client):
    user = researcher(approved=True, approved_until=dt.date.today() + dt.timedelta(days=30))
    mfa_login(client, user)
    return user


def test_header_is_exactly_api_md(client, approved):
    assert HEADER == API_HEADER
    _response, _body, rows = _download(client)
    assert rows == [API_HEADER]


def test_corporation_and_sole_proprietor_rows(client, approved):
    corp = BusinessFactory(employees=7, capital=10_000_000, industry_jsic="24")
    FinancialYearFactory(business=corp, fiscal_year=2021, sales=90_000_000, ordinary_profit=3_000_000, gross_profit=30_000_000,
                         operating_profit=4_000_000, personnel_cost=20_000_000, depreciation=1_000_000)
    FinancialYearFactory(business=corp, fiscal_year=2022, sales=1, ordinary_profit=1)  # not the pre-application year
    ApplicationFactory(business=corp, fiscal_year=2022, round_number=2, implementation_fiscal_year=2023, adopted=True)
    sole = BusinessFactory(sole_proprietor=True, name="山田商店", address="長野県松本市1-2", representative_name="山田 花子", phone="0263-00-0000")
    ApplicationFactory(business=sole, fiscal_year=2023, round_number=5, rejected=True)
    _r, _b, rows = _download(client)
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert len(records) == 2
    c, s = records
    assert c["corporate_number"] == corp.corporate_number
    assert c["sole_proprietor_name"] == c["address"] == c["representative"] == c["phone"] == ""
    assert (c["employees"], c["capital"], c["industry_jsic_middle"], c["prefecture"]) == ("7", "10000000", "24", "13")
    # ※5: value added = gross profit (30,000,000) + depreciation (1,000,000), not operating profit + personnel cost (25,000,000).
    assert (c["sales"], c["ordinary_profit"], c["value_added"]) == ("90000000", "3000000", "31000000")
    assert (c["review_result"], c["review_score"], c["program"]) == ("adopted", "80.00", "jizokuka_general")
    assert (c["application_fiscal_year"], c["implementation_fiscal_year"], c["round"]) == ("2022", "2023", "2")
    assert s["corporate_number"] == ""
    assert (s["sole_proprietor_name"], s["address"], s["representative"], s["phone"]) == ("山田商店", "長野県松本市1-2", "山田 花子", "0263-00-0000")
    assert s["sales"] == ""  # no financials of FY2022
    # nothing beyond the item list: no name of a corporation, no plan title, no amounts
    body = "\n".join(",".join(r) for r in rows)
    assert corp.name not in body and "販路開拓計画" not in body and "400000" not in body


def test_every_narrowing_is_honoured(client, approved):
    denies_identity = BusinessFactory()
    denies_identity_for_ebpm = BusinessFactory()
    denies_identity_for_agency_only = BusinessFactory()
    denies_financials = BusinessFactory()
    denies_review = BusinessFactory()
    denies_usage = BusinessFactory()
    for b in (denies_identity, denies_identity_for_ebpm, denies_identity_for_agency_only, denies_financials, denies_review, denies_usage):
        FinancialYearFactory(business=b, fiscal_year=2021)
        ApplicationFactory(business=b, fiscal_year=2022, adopted=True)
    narrow(denies_identity, data_class=1, recipient=4)
    narrow(denies_identity_for_ebpm, data_class=1, recipient=4, purpose=1)
    narrow(denies_identity_for_agency_only, data_class=1, recipient=2)
    narrow(denies_financials, data_class=6, recipient=4)
    narrow(denies_review, data_class=9, recipient=4, purpose=1)
    narrow(denies_usage, data_class=10, recipient=4)
    _r, _b, rows = _download(client)
    records = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert denies_identity.corporate_number not in records
    assert denies_identity_for_ebpm.corporate_number not in records
    assert records[denies_identity_for_agency_only.corporate_number]["sales"] == "50000000"
    f = records[denies_financials.corporate_number]
    assert (f["sales"], f["ordinary_profit"], f["value_added"]) == ("", "", "") and f["review_result"] == "adopted"
    r = records[denies_review.corporate_number]
    assert (r["review_result"], r["review_score"]) == ("", "") and r["sales"] == "50000000"
    u = records[denies_usage.corporate_number]
    assert (u["program"], u["application_fiscal_year"], u["implementation_fiscal_year"], u["round"]) == ("", "", "", "")
    assert u["review_result"] == "adopted"


def test_procedures_only_with_opt_in_and_no_drafts(client, approved):
    without = BusinessFactory()
    with_opt_in = BusinessFactory()
    ApplicationFactory(business=without, program=Program.KEIEIRYOKU_KOJO, status=Application.Status.CERTIFIED, data_use_consent=False)
    ApplicationFactory(business=with_opt_in, program=Program.KEIEIRYOKU_KOJO, status=Application.Status.CERTIFIED, data_use_consent=True)
    ApplicationFactory(business=without, status=Application.Status.DRAFT, receipt_number=None)
    _r, _b, rows = _download(client)
    numbers = [r[0] for r in rows[1:]]
    assert numbers == [with_opt_in.corporate_number]


def test_filters(client, approved):
    a = ApplicationFactory(fiscal_year=2021)
    ApplicationFactory(fiscal_year=2022)
    ApplicationFactory(fiscal_year=2021, program=Program.IT_DONYU)
    _r, _b, rows = _download(client, fiscal_year=2021, program="jizokuka_general")
    assert [r[0] for r in rows[1:]] == [a.business.corporate_number]
    assert client.get(URL, {"fiscal_year": "soon"}).status_code == 400


def test_download_is_logged_with_digest_and_audited(client, approved):
    for _ in range(3):
        ApplicationFactory(adopted=True)
    response, body, rows = _download(client, program="jizokuka_general")
    log = ExtractDownload.objects.get(pk=int(response["X-Extract-Id"]))
    assert log.user == approved and log.completed and log.row_count == 3
    assert log.filters == {"program": "jizokuka_general"}
    assert log.sha256 == hashlib.sha256(body).hexdigest()
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXTRACT_DOWNLOADED)
    assert event.actor == approved and event.data["rows"] == 3 and event.data["sha256"] == log.sha256


def test_download_is_logged_before_the_first_byte(client, approved):
    ApplicationFactory()
    response = client.get(URL)
    log = ExtractDownload.objects.get(pk=int(response["X-Extract-Id"]))
    assert log.user == approved and not log.completed and log.sha256 == ""
    b"".join(response.streaming_content)
    log.refresh_from_db()
    assert log.completed and log.row_count == 1


def test_interrupted_stream_is_not_completed():
    """A client that goes away mid-stream: the generator is closed, on_finish never runs,
    so the log row stays incomplete and no EXTRACT_DOWNLOADED audit row is written."""
    ApplicationFactory()
    viewer = researcher(approved=True)
    finished = []
    stream = stream_extract(viewer=viewer, filters={}, on_finish=lambda rows, digest: finished.append((rows, digest)))
    assert next(stream).startswith(b"\xef\xbb\xbfcorporate_number,")
    stream.close()
    assert finished == []
    whole = stream_extract(viewer=viewer, filters={}, on_finish=lambda rows, digest: finished.append((rows, digest)))
    body = b"".join(whole)
    assert finished == [(1, hashlib.sha256(body).hexdigest())]


@pytest.mark.parametrize("who", ["pending", "expired", "withdrawn_profile", "institution", "business", "agency"])
def test_everyone_else_is_refused(client, who):
    ApplicationFactory()
    if who == "pending":
        user = researcher(approved=False)
    elif who == "expired":
        user = researcher(approved=True, approved_until=dt.date.today() - dt.timedelta(days=1))
    elif who == "withdrawn_profile":
        user = researcher(approved=True)
        user.researcher_profile.pledge_status = "withdrawn"
        user.researcher_profile.save()
    else:
        user = {"institution": institution_staff, "business": prime_user, "agency": agency_staff}[who]()
    mfa_login(client, user)
    assert client.get(URL).status_code == 403
    assert client.get("/research/extract/").status_code == 403
    assert not ExtractDownload.objects.exists()


def test_anonymous_gets_401(client):
    assert client.get(URL).status_code == 401


def test_extract_page(client, approved, django_assert_max_num_queries):
    ApplicationFactory()
    _download(client)
    with django_assert_max_num_queries(10):
        response = client.get("/research/extract/", {"fiscal_year": 2022})
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/research/extract?fiscal_year=2022" in html
    assert ExtractDownload.objects.get().sha256 in html
