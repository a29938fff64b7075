import codecs
import io

import pytest
from django.core.management import CommandError, call_command

from companies.models import FinancialYear
from core.models import AuditEvent
from institutions.models import SupportRecord
from linkage.models import IntakeBatch
from linkage.services import records_import
from tests.factories import BusinessFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

FIN_HEADER = "管理番号,法人番号,事業者名,都道府県,市区町村,住所,決算年度,売上高,経常利益,従業員数\n"


@pytest.fixture
def business():
    return BusinessFactory(name="株式会社青葉精機", prefecture="04", municipality="仙台市", address="宮城県仙台市青葉区中央二丁目1番1号")


@pytest.fixture
def institution():
    return InstitutionFactory()


def fin_csv(business, *rows: str) -> str:
    return FIN_HEADER + "".join(row.replace("{cn}", business.corporate_number) + "\n" for row in rows)


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"),
    lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    lambda t: t.encode("shift_jis"),
    lambda t: t.encode("cp932"),
], ids=["utf-8", "utf-8-bom", "shift_jis", "cp932"])
def test_each_encoding_is_read(business, institution, encode):
    text = fin_csv(business, 'K-1,{cn},青葉精機,宮城県,仙台市,青葉区中央2-1-1,令和5年度,"￥48,000,000",△1200000,６')
    report = records_import(data=encode(text), filename="k.csv", institution_id=institution.pk)
    assert report.bad_rows == [] and report.applied
    fy = FinancialYear.objects.get(business=business)
    assert (fy.fiscal_year, fy.sales, fy.ordinary_profit, fy.employees) == (2023, 48_000_000, -1_200_000, 6)


@pytest.mark.parametrize(("value", "year"), [("2023", 2023), ("R5", 2023), ("平成31年", 2019), ("令和元年度", 2019), ("２０２２年度", 2022)])
def test_fiscal_year_forms(business, institution, value, year):
    records_import(data=fin_csv(business, f"K-1,{{cn}},,,,,{value},1000,,").encode(), institution_id=institution.pk)
    assert FinancialYear.objects.get().fiscal_year == year


@pytest.mark.parametrize(("value", "day"), [
    ("令和5年4月1日", "2023-04-01"), ("R5.4.1", "2023-04-01"), ("平成31年4月30日", "2019-04-30"), ("H31.4.30", "2019-04-30"),
    ("令和元年5月1日", "2019-05-01"), ("2023-04-01", "2023-04-01"), ("2023/4/1", "2023-04-01"), ("２０２３年４月１日", "2023-04-01"),
])
def test_support_record_date_forms(business, institution, value, day):
    text = f"管理番号,法人番号,支援日,支援内容,概要\nS-1,{business.corporate_number},{value},販路開拓,展示会出展の相談\n"
    report = records_import(data=text.encode("cp932"), institution_id=institution.pk)
    assert report.applied, report.rows
    assert SupportRecord.objects.get().supported_on.isoformat() == day


def test_full_width_digits_and_hyphens_in_the_corporate_number(business, institution):
    wide = business.corporate_number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    wide = f"{wide[:4]}－{wide[4:]}"
    records_import(data=fin_csv(business, f"K-1,{wide},,,,,2023,1000,,").encode(), institution_id=institution.pk)
    assert FinancialYear.objects.get().business == business


BAD_ROWS = [
    ("K-2,1234567890123,,,,,2023,1000,,", "corporate_number"),
    ("K-2,{cn},,,,,いつか,1000,,", "fiscal_year"),
    ("K-2,{cn},,,,,1850,1000,,", "fiscal_year"),
    ("K-2,{cn},,,,,2023,約100万,,", "sales"),
    ("K-2,{cn},,,,,2023,1000,,-3", "employees"),
    ("K-2,{cn},,,,,2023,,,", "sales"),
    (",{cn},,,,,2023,1000,,", "record_id"),
    ("K-2,,,,,,2023,1000,,", "name"),
    ("K-2,{cn},,火星,,,2023,1000,,", "prefecture"),
    ("K-2,{cn},,,,,2023,1000,,,extra", "row"),
    ("K-1,{cn},,,,,2024,1000,,", "record_id"),  # the id of line 2 again
]


@pytest.mark.parametrize(("row", "field"), BAD_ROWS)
def test_every_kind_of_bad_row_is_reported_with_its_line_and_nothing_is_imported(business, institution, row, field):
    text = fin_csv(business, "K-1,{cn},,,,,2023,1000,,", row)
    report = records_import(data=text.encode(), institution_id=institution.pk)
    assert [(r.line, list(r.errors)) for r in report.bad_rows] == [(3, [field])]
    assert not report.applied
    assert not FinancialYear.objects.exists() and not IntakeBatch.objects.exists()


def test_bad_support_rows(business, institution):
    text = ("管理番号,法人番号,支援日,支援内容\n"
            f"S-1,{business.corporate_number},平成31年5月1日,販路開拓\n"
            f"S-2,{business.corporate_number},2999-01-01,販路開拓\n"
            f"S-3,{business.corporate_number},2023-02-30,販路開拓\n"
            f"S-4,{business.corporate_number},2023-02-01,\n")
    report = records_import(data=text.encode(), institution_id=institution.pk)
    assert [(r.line, list(r.errors)) for r in report.bad_rows] == [(2, ["supported_on"]), (3, ["supported_on"]),
                                                                  (4, ["supported_on"]), (5, ["theme"])]


def test_import_good_rows_on_request(business, institution):
    text = fin_csv(business, "K-1,{cn},,,,,2023,1000,,", "K-2,{cn},,,,,いつか,1000,,", "K-3,{cn},,,,,2022,900,,")
    report = records_import(data=text.encode(), institution_id=institution.pk, import_good_rows=True)
    assert report.applied and len(report.bad_rows) == 1
    assert sorted(FinancialYear.objects.values_list("fiscal_year", flat=True)) == [2022, 2023]
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.RECORD_IMPORTED)
    assert event.data["records"] == 2 and event.data["channel"] == "csv"


def test_dry_run_reports_create_update_unchanged_and_writes_nothing(business, institution):
    records_import(data=fin_csv(business, "K-1,{cn},,,,,2023,1000,,", "K-2,{cn},,,,,2022,900,,").encode(),
                   institution_id=institution.pk)
    text = fin_csv(business, "K-1,{cn},,,,,2023,1000,,", "K-2,{cn},,,,,2022,950,,", "K-3,{cn},,,,,2021,800,,")
    report = records_import(data=text.encode(), institution_id=institution.pk, dry_run=True)
    assert [(r.line, r.outcome) for r in report.rows] == [(2, "unchanged"), (3, "updated"), (4, "created")]
    assert report.rows[1].changes == ["sales"]
    assert not report.applied
    assert FinancialYear.objects.count() == 2 and IntakeBatch.objects.count() == 1


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"), (b"\xff\xfe\xfa\x00\x81", "read"), ("事業者名,売上高\n青葉,1\n".encode(), "record id"),
    (FIN_HEADER.encode(), "no records"),
])
def test_bad_files(institution, data, message):
    from django.utils import translation

    with translation.override("en"):
        report = records_import(data=data, institution_id=institution.pk)
    assert report.file_errors and message in report.file_errors[0]


def test_the_command_imports_and_reports(business, institution, tmp_path):
    path = tmp_path / "karte.csv"
    path.write_bytes(fin_csv(business, "K-1,{cn},,,,,令和5年度,1000,,").encode("cp932"))
    out = io.StringIO()
    call_command("import_records", str(path), "--institution", str(institution.pk), "--dry-run", stdout=out)
    assert "line 2: K-1: created" in out.getvalue() and not FinancialYear.objects.exists()
    call_command("import_records", str(path), "--institution", str(institution.pk), "--kind", "financials", stdout=out)
    assert FinancialYear.objects.get().fiscal_year == 2023


def test_the_command_refuses_a_file_with_bad_rows(business, institution, tmp_path):
    path = tmp_path / "karte.csv"
    path.write_bytes(fin_csv(business, "K-1,{cn},,,,,2023,1000,,", "K-2,{cn},,,,,x,1,,").encode())
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_records", str(path), "--institution", str(institution.pk), stdout=out)
    assert "line 3" in out.getvalue() and not FinancialYear.objects.exists()
    call_command("import_records", str(path), "--institution", str(institution.pk), "--import-good-rows", stdout=out)
    assert FinancialYear.objects.count() == 1


def test_issue_partner_token_prints_the_key_once(institution):
    from linkage.models import PartnerClient
    from linkage.services import partner_client_for_key

    out = io.StringIO()
    call_command("issue_partner_token", str(institution.pk), "--scopes", "financials", stdout=out, stderr=io.StringIO())
    key = out.getvalue().strip()
    client = partner_client_for_key(key)
    assert client is not None and client.scopes == ["financials"] and client.institution == institution
    assert key not in PartnerClient.objects.values_list("key_hash", flat=True)
    with pytest.raises(CommandError):
        call_command("issue_partner_token", str(institution.pk), "--scopes", "everything", stdout=io.StringIO())
