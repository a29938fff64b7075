"""Open data: exactly the ※6 fields, adopted subsidy cases only, every narrowing for the
public honoured, certifications only with the opt-in; public; paginated; query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from analytics.open_data import ADOPTION_FIELDS
from applications.models import Application, Program
from tests.analytics.factories import ApplicationFactory, narrow
from tests.factories import BusinessFactory, InstitutionFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/open-data/adoptions"
API_FIELDS = ["corporate_number", "name", "prefecture", "municipality", "plan_title", "program", "fiscal_year", "round",
              "result", "support_institution"]


@pytest.fixture
def cases():
    institution = InstitutionFactory(name="千代田商工会")
    shown = BusinessFactory(name="株式会社公開", prefecture="13", municipality="千代田区")
    ApplicationFactory(business=shown, fiscal_year=2023, round_number=3, adopted=True, plan_title="新商品の販路開拓",
                       support_institution=institution)
    ApplicationFactory(business=shown, fiscal_year=2023, round_number=3, rejected=True, plan_title="不採択の計画")
    ApplicationFactory(business=shown, fiscal_year=2023, round_number=4, plan_title="審査中の計画")
    hidden = BusinessFactory(name="株式会社非公開")
    ApplicationFactory(business=hidden, adopted=True)
    narrow(hidden, data_class=1, recipient=8)
    no_usage = BusinessFactory(name="株式会社制度非公開")
    ApplicationFactory(business=no_usage, adopted=True)
    narrow(no_usage, data_class=10, recipient=8, purpose=9)
    partial = BusinessFactory(name="株式会社一部公開", prefecture="27", municipality="大阪市")
    ApplicationFactory(business=partial, program=Program.MONODUKURI, fiscal_year=2022, round_number=1, adopted=True,
                       plan_title="秘密の計画", support_institution=institution)
    narrow(partial, data_class=8, recipient=8)
    narrow(partial, data_class=12, recipient=8, purpose=9)
    other_purpose = BusinessFactory(name="株式会社他目的制限")
    ApplicationFactory(business=other_purpose, fiscal_year=2021, adopted=True)
    narrow(other_purpose, data_class=1, recipient=8, purpose=1)  # purpose 1 never goes to recipient 8 anyway
    sole = BusinessFactory(sole_proprietor=True, name="山田 花子")
    ApplicationFactory(business=sole, adopted=True)
    return {"shown": shown, "partial": partial, "other_purpose": other_purpose, "institution": institution}


def test_json_has_exactly_the_fields_and_only_published_cases(api_client, cases):
    response = api_client.get(URL)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3
    for record in data["results"]:
        assert list(record) == API_FIELDS == ADOPTION_FIELDS
        assert record["result"] == "adopted"
    names = {r["name"] for r in data["results"]}
    assert names == {"株式会社公開", "株式会社一部公開", "株式会社他目的制限"}
    shown = next(r for r in data["results"] if r["name"] == "株式会社公開")
    assert shown == {
        "corporate_number": cases["shown"].corporate_number, "name": "株式会社公開", "prefecture": "13", "municipality": "千代田区",
        "plan_title": "新商品の販路開拓", "program": "jizokuka_general", "fiscal_year": 2023, "round": 3, "result": "adopted",
        "support_institution": "千代田商工会",
    }
    partial = next(r for r in data["results"] if r["name"] == "株式会社一部公開")
    assert partial["plan_title"] == "" and partial["support_institution"] == ""
    body = response.content.decode()
    for absent in ("不採択の計画", "審査中の計画", "株式会社非公開", "株式会社制度非公開", "山田 花子", "秘密の計画", "review_score"):
        assert absent not in body


def test_csv_header_and_rows(api_client, cases):
    response = api_client.get(URL, {"format": "csv", "prefecture": "13"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf") and body.count(b"\xef\xbb\xbf") == 1  # one BOM, at the start
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == API_FIELDS
    assert len(rows) == 3  # 株式会社公開 and 株式会社他目的制限 (both Tokyo)
    assert {r[1] for r in rows[1:]} == {"株式会社公開", "株式会社他目的制限"}


def test_csv_in_shift_jis_on_request(api_client, cases):
    response = api_client.get(URL, {"format": "csv", "prefecture": "13", "encoding": "cp932"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=Shift_JIS"
    body = b"".join(response.streaming_content)
    assert not body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("cp932"))))
    assert rows[0] == API_FIELDS and {r[1] for r in rows[1:]} == {"株式会社公開", "株式会社他目的制限"}


def test_filters_and_search(api_client, cases):
    assert [r["name"] for r in api_client.get(URL, {"fiscal_year": 2022}).json()["results"]] == ["株式会社一部公開"]
    assert [r["name"] for r in api_client.get(URL, {"program": "monodukuri"}).json()["results"]] == ["株式会社一部公開"]
    assert api_client.get(URL, {"program": "nonsense"}).status_code == 400
    page_html = api_client.get("/open-data/", {"q": cases["shown"].corporate_number}).content.decode()
    assert "株式会社公開" in page_html and "株式会社一部公開" not in page_html
    page_html = api_client.get("/open-data/", {"q": "一部"}).content.decode()
    assert "株式会社一部公開" in page_html and "新商品の販路開拓" not in page_html


def test_pagination_and_query_count(api_client, django_assert_max_num_queries):
    # Constant in the number of rows: count + page, and the policy version that each
    # consent filter reads (businesses_allowing looks it up per call).
    for _ in range(5):
        ApplicationFactory(adopted=True)
    with django_assert_max_num_queries(8):
        data = api_client.get(URL, {"page_size": 2}).json()
    assert data["count"] == 5 and len(data["results"]) == 2 and data["next"]
    with django_assert_max_num_queries(14):
        response = api_client.get("/open-data/")
    assert response.status_code == 200


def test_certifications_only_fact_and_date_with_opt_in(api_client):
    opted = BusinessFactory(name="株式会社認定公開")
    ApplicationFactory(business=opted, program=Program.KEIEIRYOKU_KOJO, status=Application.Status.CERTIFIED,
                       certified_on=dt.date(2024, 5, 1), data_use_consent=True, plan_title="経営力向上の内容")
    not_opted = BusinessFactory(name="株式会社認定非公開")
    ApplicationFactory(business=not_opted, program=Program.JIGYO_KEIZOKU, status=Application.Status.CERTIFIED,
                       certified_on=dt.date(2024, 6, 1), data_use_consent=False)
    data = api_client.get("/api/v1/open-data/certifications").json()
    assert data["results"] == [{"corporate_number": opted.corporate_number, "name": "株式会社認定公開",
                                "program": "keieiryoku_kojo", "certified_on": "2024-05-01"}]
    # procedures never appear among the adoptions
    assert api_client.get(URL).json()["count"] == 0
    html = api_client.get("/open-data/").content.decode()
    assert "株式会社認定公開" in html and "株式会社認定非公開" not in html and "経営力向上の内容" not in html


def test_public_page_needs_no_sign_in(client, cases):
    response = client.get("/open-data/")
    assert response.status_code == 200
    assert "株式会社公開" in response.content.decode()


def test_csv_for_people_has_the_name_beside_each_code(api_client, cases, client):
    response = api_client.get(URL, {"format": "csv", "prefecture": "13", "labels": "1", "encoding": "cp932"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("cp932"))))
    assert rows[0] == ["corporate_number", "name", "prefecture", "prefecture_name", "municipality", "plan_title", "program",
                       "program_name", "fiscal_year", "round", "result", "result_name", "support_institution"]
    shown = next(r for r in rows[1:] if r[1] == "株式会社公開")
    assert shown[2:4] == ["13", "東京都"] and shown[6] == "jizokuka_general" and "持続化" in shown[7]
    assert shown[10:12] == ["adopted", "採択"]
    # The page's download links ask for it; the contract's header stays the default.
    page = client.get("/open-data/").content.decode()
    assert "labels=1" in page
