"""owner@ stores documents in the vault with real files, is refused a renamed .exe, attaches
the documents an application requires, downloads a file back, and the vault fits 390 px."""

from __future__ import annotations

import hashlib

import pytest

from tests.applications.factories import SubsidyRoundFactory, business_with_record
from tests.applications.helpers import ensure_reference_data, start_draft
from tests.browser.conftest import sign_in
from tests.documents.files import EXE, pdf_bytes
from tests.factories import PASSWORD, UserFactory, with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def vault_storage(settings, tmp_path):
    root = tmp_path / "vault"
    settings.STORAGES = {**settings.STORAGES, "documents": {
        "BACKEND": "documents.storage.PrivateFileSystemStorage", "OPTIONS": {"location": str(root)}}}
    return root


def test_owner_uses_the_vault_and_completes_an_application_s_documents(page, screenshot, vault_storage, tmp_path):
    from accounts.models import Membership
    from documents.models import Attachment, Document

    ensure_reference_data()
    business = business_with_record(name="株式会社青葉精機")
    owner = UserFactory(email="owner@demo.mirasapo.jp")
    Membership.objects.create(user=owner, business=business, account_type="prime")
    secret = with_totp(owner)
    draft = start_draft(owner, subsidy_round=SubsidyRoundFactory())
    statements = tmp_path / "決算書_2025.pdf"
    statements.write_bytes(pdf_bytes("statements"))
    renamed = tmp_path / "決算書_偽.pdf"
    renamed.write_bytes(EXE)
    form4 = tmp_path / "様式4.pdf"
    form4.write_bytes(pdf_bytes("form4"))

    sign_in(page, owner.email, PASSWORD, totp_secret=secret)
    page.goto("/documents/")
    assert "まだ書類はありません" in page.content()

    # A renamed .exe is refused next to the field; nothing is stored.
    page.set_input_files("input[name=file]", str(renamed))
    page.select_option("select[name=document_type]", "financial_statements")
    page.get_by_role("button", name="アップロード", exact=True).click()
    page.wait_for_load_state()
    assert "名前（拡張子）を変えたファイルは受け付けられません" in page.locator(".errorlist").first.inner_text()
    assert Document.objects.count() == 0

    # A real PDF: stored, with its SHA-256 receipt shown.
    page.set_input_files("input[name=file]", str(statements))
    page.select_option("select[name=document_type]", "financial_statements")
    page.fill("input[name=issued_on]", "2025-05-31")
    page.get_by_role("button", name="アップロード", exact=True).click()
    page.wait_for_url("**/documents/*/")
    assert page.inner_text("#sha256").strip() == hashlib.sha256(statements.read_bytes()).hexdigest()
    screenshot(page, "documents-receipt")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="ファイルをダウンロード").click()
    assert open(download_info.value.path(), "rb").read() == statements.read_bytes()

    # The application page lists what is missing, then attach and upload-and-attach.
    page.goto(f"/applications/{draft.pk}/")
    assert page.locator("#documents-missing").is_visible()
    page.select_option("#documents select[name=document]", label="決算書 — 決算書_2025.pdf")
    page.locator("#documents").get_by_role("button", name="添付する").click()
    page.wait_for_load_state()
    assert "書類を添付しました" in page.content()
    page.locator("#documents summary").click()
    page.set_input_files("#documents input[name=file]", str(form4))
    page.select_option("#documents select[name=document_type]", "support_plan")
    page.locator("#documents").get_by_role("button", name="アップロードして添付").click()
    page.wait_for_load_state()
    assert page.locator("#documents-complete").is_visible()
    assert Attachment.objects.filter(application=draft).count() == 2
    screenshot(page, "documents-application-complete")

    # The vault fits a 390 px phone.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/documents/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "documents-vault-390")
