"""Every CSV the portal serves opens in Excel in Japan (api.md, "Files for people"): UTF-8 with a
BOM by default, Shift_JIS with ?encoding=cp932. Where the contract fixes the header (open-data
adoptions, research extract) it is exactly as written; elsewhere (dashboard tables, open-data
certifications) the headers are Japanese or name each code's name in the column beside it."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from analytics import dashboard as dash
from analytics.extract import HEADER as EXTRACT_HEADER
from analytics.open_data import ADOPTION_FIELDS
from applications.models import Application, Program
from tests.analytics.factories import ApplicationFactory
from tests.factories import BusinessFactory, mfa_login, researcher

pytestmark = pytest.mark.django_db
BOM = b"\xef\xbb\xbf"


def _body(response) -> bytes:
    assert response.status_code == 200, response.content[:500] if hasattr(response, "content") else response
    return b"".join(response.streaming_content) if response.streaming else response.content


def _both(get, path: str, params: dict) -> tuple[list[list[str]], list[list[str]]]:
    """The file in its default encoding (UTF-8 with one BOM, at the start) and in cp932, parsed."""
    utf8 = _body(get(path, params))
    assert utf8.startswith(BOM) and utf8.count(BOM) == 1
    response = get(path, {**params, "encoding": "cp932"})
    assert response["Content-Type"] == "text/csv; charset=Shift_JIS"
    cp932 = _body(response)
    assert not cp932.startswith(BOM)
    rows = list(csv.reader(io.StringIO(utf8.decode("utf-8-sig"))))
    assert list(csv.reader(io.StringIO(cp932.decode("cp932")))) == rows  # the same table, Japanese intact
    return rows[0], rows[1:]


@pytest.fixture
def data():
    tokyo = BusinessFactory(prefecture="13", industry_jsic="58", name="株式会社東京商店")
    osaka = BusinessFactory(prefecture="27", industry_jsic="24", name="株式会社大阪金属")
    ApplicationFactory(business=tokyo, fiscal_year=2022, round_number=1, adopted=True)
    ApplicationFactory(business=tokyo, fiscal_year=2022, round_number=1, rejected=True)
    ApplicationFactory(business=osaka, program=Program.MONODUKURI, fiscal_year=2022, round_number=2, adopted=True)
    ApplicationFactory(business=BusinessFactory(name="株式会社認定", prefecture="01", industry_jsic="09"),
                       program=Program.KEIEIRYOKU_KOJO, fiscal_year=2024, status=Application.Status.CERTIFIED, certified_on=dt.date(2024, 5, 1), data_use_consent=True)
    dash.dashboard_summary_refresh()
    return {"tokyo": tokyo, "osaka": osaka}


METRICS = ["申請件数", "審査済件数", "採択件数", "採択率(%)", "申請額(円)", "交付額(円)"]


@pytest.mark.parametrize(("by", "key_header"), [
    ("fiscal_year", ["年度"]),
    ("program", ["制度コード", "制度名"]),
    ("round", ["制度コード", "制度名", "受付回"]),
    ("prefecture", ["都道府県コード", "都道府県名"]),
    ("industry", ["業種コード（日本標準産業分類 中分類）", "業種名"]),
])
def test_dashboard_tables_have_japanese_headers_and_the_name_beside_each_code(agency_client, data, by, key_header):
    header, rows = _both(agency_client.get, "/analytics/dashboard/", {"by": by, "format": "csv"})
    assert header == key_header + METRICS
    table = {tuple(row[:len(key_header)]): row[len(key_header):] for row in rows}
    if by == "prefecture":
        assert table[("13", "東京都")][:3] == ["2", "2", "1"] and table[("27", "大阪府")][:3] == ["1", "1", "1"]
    elif by == "industry":
        assert table[("58", "飲食料品小売業")][:3] == ["2", "2", "1"] and ("24", "金属製品製造業") in table
    elif by == "program":
        assert table[("jizokuka_general", str(Program.JIZOKUKA_GENERAL.label))][:3] == ["2", "2", "1"]
        assert table[("monodukuri", str(Program.MONODUKURI.label))][:3] == ["1", "1", "1"]
    elif by == "round":
        assert table[("jizokuka_general", str(Program.JIZOKUKA_GENERAL.label), "1")][:3] == ["2", "2", "1"]
    else:
        assert table[("2022",)][:3] == ["3", "3", "2"]
    for row in rows:  # no code left without its name
        if len(key_header) > 1:
            assert row[1] and row[1] != row[0]


def test_dashboard_csv_is_for_agency_staff_only(client, data):
    assert client.get("/analytics/dashboard/", {"format": "csv"}).status_code == 302


def test_open_data_adoptions_keep_the_contract_header(api_client, data):
    header, rows = _both(api_client.get, "/api/v1/open-data/adoptions", {"format": "csv"})
    assert header == ADOPTION_FIELDS == ["corporate_number", "name", "prefecture", "municipality", "plan_title", "program",
                                          "fiscal_year", "round", "result", "support_institution"]
    assert {row[1] for row in rows} == {"株式会社東京商店", "株式会社大阪金属"}


def test_open_data_adoptions_for_people_add_names_on_request(api_client, data):
    header, rows = _both(api_client.get, "/api/v1/open-data/adoptions", {"format": "csv", "labels": "1"})
    assert header[header.index("prefecture") + 1] == "prefecture_name"
    assert header[header.index("program") + 1] == "program_name"
    osaka = next(row for row in rows if row[1] == "株式会社大阪金属")
    assert osaka[header.index("prefecture_name")] == "大阪府"


def test_open_data_certifications_name_the_procedure_beside_its_code(api_client, data):
    header, rows = _both(api_client.get, "/api/v1/open-data/certifications", {"format": "csv"})
    assert header == ["corporate_number", "name", "program", "program_name", "certified_on"]
    assert rows == [[rows[0][0], "株式会社認定", "keieiryoku_kojo", str(Program.KEIEIRYOKU_KOJO.label), "2024-05-01"]]
    machine, _rows = _both(api_client.get, "/api/v1/open-data/certifications", {"format": "csv", "labels": "0"})
    assert machine == ["corporate_number", "name", "program", "certified_on"]


def test_research_extract_keeps_the_contract_header(client, data):
    mfa_login(client, researcher(approved=True, approved_until=dt.date.today() + dt.timedelta(days=30)))
    header, rows = _both(client.get, "/api/v1/research/extract", {})
    assert header == EXTRACT_HEADER
    assert len(rows) >= 3
