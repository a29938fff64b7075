"""The vault pages and the documents panel of the application page."""

from __future__ import annotations

import pytest
from django.test import Client

from core.models import AuditEvent
from documents.models import Attachment, Document
from tests.applications.factories import SubsidyRoundFactory, business_with_record
from tests.applications.helpers import start_draft
from tests.factories import BusinessFactory, member_user, mfa_login, prime_user

from .conftest import stored_files
from .factories import uploaded_document
from .files import EXE, PDF, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def prime():
    return prime_user(business_with_record())


@pytest.fixture
def client(prime):
    c = Client(HTTP_ACCEPT_LANGUAGE="ja")
    mfa_login(c, prime)
    return c


def test_upload_page_shows_the_sha256_receipt(client, vault_storage):
    response = client.post("/documents/", {"file": upload(PDF), "document_type": "tax_return", "issued_on": "2025-03-15"}, follow=True)
    document = Document.objects.get()
    assert response.redirect_chain[-1][0] == f"/documents/{document.pk}/"
    html = response.content.decode()
    assert document.sha256 in html
    assert "SHA-256" in html and "確定申告書" in html


def test_an_exe_renamed_pdf_on_the_page_gets_its_message_next_to_the_field(client, vault_storage):
    response = client.post("/documents/", {"file": upload(EXE, "決算書.pdf"), "document_type": "financial_statements"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "PDF, JPEG, PNG, XLSX, DOCX" in html and 'class="errorlist"' in html
    assert Document.objects.count() == 0 and stored_files(vault_storage) == []


def test_missing_type_and_file(client):
    response = client.post("/documents/", {})
    assert response.status_code == 400
    html = response.content.decode()
    assert "書類の種類を選んでください" in html or "種類" in html
    assert Document.objects.count() == 0


def test_vault_lists_only_own_documents_with_an_empty_state(client, prime):
    html = client.get("/documents/").content.decode()
    assert "まだ書類はありません" in html or 'class="empty-state"' in html
    mine = uploaded_document(prime, tag="mine")
    theirs = uploaded_document(prime_user(BusinessFactory()), tag="theirs")
    html = client.get("/documents/").content.decode()
    assert f"/documents/{mine.pk}/" in html and f"/documents/{theirs.pk}/" not in html
    assert client.get(f"/documents/{theirs.pk}/").status_code == 404
    assert client.get(f"/documents/{theirs.pk}/file/").status_code == 404


def test_vault_page_query_count_does_not_grow_with_documents(client, prime, django_assert_max_num_queries):
    for i in range(3):
        uploaded_document(prime, tag=f"few{i}")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get("/documents/").status_code == 200
    for i in range(60):
        uploaded_document(prime, tag=f"many{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/documents/")
    assert response.status_code == 200 and "?page=2" in response.content.decode()


def test_file_download_is_audited(client, prime):
    document = uploaded_document(prime)
    response = client.get(f"/documents/{document.pk}/file/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.DOCUMENT_READ, object_id=str(document.pk)).count() == 1


def test_anonymous_is_sent_to_sign_in():
    response = Client().get("/documents/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_application_page_shows_what_is_missing_and_attaching_completes_it(client, prime):
    draft = start_draft(prime, subsidy_round=SubsidyRoundFactory())
    html = client.get(f"/applications/{draft.pk}/").content.decode()
    # A corporation applying for 持続化: 様式4 and the financial statements are required.
    assert 'id="documents-missing"' in html
    assert "事業支援計画書" in html and "決算書" in html and "確定申告書" not in html.split('id="documents"')[1].split("</table>")[0]
    statements = uploaded_document(prime, tag="fs", document_type="financial_statements")
    response = client.post(f"/applications/{draft.pk}/documents/attach/", {"document": statements.pk}, follow=True)
    assert Attachment.objects.filter(application=draft, document=statements).exists()
    response = client.post(f"/applications/{draft.pk}/documents/upload/",
                           {"file": upload(PDF, "様式4.pdf"), "document_type": "support_plan"}, follow=True)
    html = response.content.decode()
    assert 'id="documents-complete"' in html
    assert Attachment.objects.filter(application=draft).count() == 2


def test_upload_and_attach_failure_on_the_page_leaves_nothing(client, prime, vault_storage):
    draft = start_draft(prime, subsidy_round=SubsidyRoundFactory())
    response = client.post(f"/applications/{draft.pk}/documents/upload/",
                           {"file": upload(EXE, "x.pdf"), "document_type": "support_plan"}, follow=True)
    assert "PDF, JPEG, PNG, XLSX, DOCX" in response.content.decode()
    assert Document.objects.count() == 0 and Attachment.objects.count() == 0 and stored_files(vault_storage) == []


def test_another_business_s_application_panel_actions_are_404(prime):
    draft = start_draft(prime, subsidy_round=SubsidyRoundFactory())
    stranger = prime_user(BusinessFactory())
    c = Client()
    mfa_login(c, stranger)
    theirs = uploaded_document(stranger, tag="s")
    assert c.post(f"/applications/{draft.pk}/documents/attach/", {"document": theirs.pk}).status_code == 404
    assert c.post(f"/applications/{draft.pk}/documents/upload/", {"file": upload(PDF), "document_type": "photo"}).status_code == 404
    assert Attachment.objects.count() == 0


def test_a_reader_member_sees_the_vault_without_the_upload_form(prime):
    reader = member_user(prime.membership_or_none.business)
    c = Client()
    c.force_login(reader)
    html = c.get("/documents/").content.decode()
    assert 'enctype="multipart/form-data"' not in html
    assert c.post("/documents/", {"file": upload(PDF), "document_type": "photo"}).status_code == 403


def test_an_expired_certificate_does_not_satisfy_a_requirement(client, prime):
    import datetime as dt

    from django.utils import timezone

    draft = start_draft(prime, subsidy_round=SubsidyRoundFactory())
    today = timezone.localdate()
    for tag, document_type in (("form4", "support_plan"), ("fs", "financial_statements")):
        uploaded_document(prime, tag=tag, document_type=document_type, attach_to=draft.pk,
                          issued_on=today - dt.timedelta(days=400), valid_until=today - dt.timedelta(days=1)
                          if tag == "fs" else None)
    html = client.get(f"/applications/{draft.pk}/").content.decode()
    assert 'id="documents-missing"' in html and "期限切れ" in html
