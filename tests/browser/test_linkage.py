"""One browser test: agency staff upload a Shift_JIS file, read the dry run, import the good rows."""

import pytest

from companies.models import FinancialYear
from tests.browser.conftest import sign_in
from tests.factories import (
    PASSWORD,
    BusinessFactory,
    InstitutionFactory,
    agency_staff,
    with_totp,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_dry_run_and_import_good_rows(page, screenshot):
    staff = agency_staff()
    secret = with_totp(staff)
    institution = InstitutionFactory(name="テスト商工会")
    business = BusinessFactory()
    text = ("管理番号,法人番号,事業者名,決算年度,売上高,従業員数\n"
            f"K-1,{business.corporate_number},{business.name},令和5年度,\"￥48,000,000\",６\n"
            f"K-2,{business.corporate_number},{business.name},いつか,\"1,000円\",1\n")
    sign_in(page, staff.email, PASSWORD, totp_secret=secret)
    page.goto("/linkage/import/")
    page.select_option("select[name=institution]", str(institution.pk))
    page.set_input_files("input[name=file]", files=[{"name": "karte.csv", "mimeType": "text/csv",
                                                     "buffer": text.encode("cp932")}])
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    body = page.locator("main").inner_text()
    assert "取込内容の確認" in body and "新規作成" in body and "エラー" in body
    assert "決算年度は 2023" in body  # the reason of line 3, in Japanese
    screenshot(page, "linkage-import-dry-run")
    assert not FinancialYear.objects.exists()
    page.check("input[name=import_good_rows]")
    page.click("form[action='/linkage/import/confirm/'] button[type=submit]")
    page.wait_for_load_state()
    assert "/linkage/batches/" in page.url, page.locator("main").inner_text()
    assert FinancialYear.objects.get().sales == 48_000_000
