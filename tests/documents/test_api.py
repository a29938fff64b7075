"""The Documents section of api.md, to the letter."""

from __future__ import annotations

import hashlib

import pytest
from rest_framework.test import APIClient

from core.models import AuditEvent
from documents.models import Document
from tests.applications.factories import SubsidyRoundFactory, business_with_record
from tests.applications.helpers import start_draft, submitted
from tests.factories import BusinessFactory, institution_staff, member_user, prime_user

from .conftest import stored_files
from .factories import uploaded_document
from .files import EXE, PDF, PNG, pdf_bytes, upload

pytestmark = pytest.mark.django_db
FIELDS = {"id", "document_type", "name", "size", "sha256", "issued_on"}


def client_for(user, *, mfa: bool = True, language: str = "ja") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    if mfa:
        session = client.session
        session["mirasapo_mfa_passed"] = True
        session.save()
    return client


@pytest.fixture
def prime():
    return prime_user(BusinessFactory())


def post(client, content=PDF, name="決算書.pdf", **data):
    return client.post("/api/v1/documents", {"file": upload(content, name), "document_type": "financial_statements", **data},
                       format="multipart")


def test_upload_201_with_exactly_the_fields_of_api_md(prime, vault_storage):
    response = post(client_for(prime), issued_on="2025-05-31")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == FIELDS
    assert body["document_type"] == "financial_statements" and body["name"] == "決算書.pdf"
    assert body["size"] == len(PDF) and body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["issued_on"] == "2025-05-31"
    assert Document.objects.get().pk == body["id"]


def test_the_same_bytes_again_return_the_existing_document_200(prime, vault_storage):
    client = client_for(prime)
    first = post(client)
    second = post(client, name="copy.pdf")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == first.json()
    assert Document.objects.count() == 1 and len(stored_files(vault_storage)) == 1


@pytest.mark.parametrize(("content", "name", "needle_ja", "needle_en"), [
    (EXE, "決算書.pdf", "PDF, JPEG, PNG, XLSX, DOCX", "PDF, JPEG, PNG, XLSX, DOCX"),
    (b"", "empty.pdf", "0", "empty"),
])
@pytest.mark.parametrize("language", ["ja", "en"])
def test_bad_files_400_with_the_reason_and_nothing_written(prime, vault_storage, content, name, needle_ja, needle_en, language):
    response = post(client_for(prime, language=language), content=content, name=name)
    assert response.status_code == 400
    message = response.json()["errors"]["file"][0]
    assert (needle_ja if language == "ja" else needle_en) in message
    if language == "ja":
        assert any("\u3040" <= ch <= "\u30ff" for ch in message)  # Japanese text
    assert Document.objects.count() == 0 and stored_files(vault_storage) == []


def test_over_the_limit_400_through_the_streaming_handler(prime, vault_storage, settings):
    settings.DOCUMENT_MAX_FILE_BYTES = settings.UPLOAD_MAX_FILE_BYTES = 1024
    big = PDF + b"0" * 4096
    response = post(client_for(prime), content=big)
    assert response.status_code == 400
    assert "MB" in response.json()["errors"]["file"][0]
    assert Document.objects.count() == 0 and stored_files(vault_storage) == []


def test_a_type_outside_the_list_is_400_naming_the_field(prime):
    response = client_for(prime).post("/api/v1/documents", {"file": upload(PDF), "document_type": "passport"}, format="multipart")
    assert response.status_code == 400 and "document_type" in response.json()["errors"]


def test_a_malformed_date_is_400(prime):
    response = post(client_for(prime), issued_on="31/05/2025")
    assert response.status_code == 400 and "issued_on" in response.json()["errors"]


def test_list_newest_first_and_only_the_business_s_own(prime, vault_storage):
    older = uploaded_document(prime, tag="old")
    newer = uploaded_document(prime, tag="new", document_type="photo")
    uploaded_document(prime_user(BusinessFactory()), tag="stranger")
    response = client_for(prime).get("/api/v1/documents")
    assert response.status_code == 200
    assert [d["id"] for d in response.json()] == [newer.pk, older.pk]
    assert all(set(d) == FIELDS for d in response.json())


def test_detail_and_file_of_another_business_s_document_are_404(prime):
    theirs = uploaded_document(prime_user(BusinessFactory()), tag="theirs")
    client = client_for(prime)
    assert client.get(f"/api/v1/documents/{theirs.pk}").status_code == 404
    assert client.get(f"/api/v1/documents/{theirs.pk}/file").status_code == 404
    assert client.get("/api/v1/documents/999999999").status_code == 404
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.DOCUMENT_READ).exists()


def test_detail_and_file_of_one_s_own(prime):
    content = pdf_bytes("mine")
    mine = uploaded_document(prime, tag="mine")
    client = client_for(prime)
    detail = client.get(f"/api/v1/documents/{mine.pk}")
    assert detail.status_code == 200 and set(detail.json()) == FIELDS
    response = client.get(f"/api/v1/documents/{mine.pk}/file")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.DOCUMENT_READ, object_id=str(mine.pk)).count() == 1


def test_file_for_an_institution_with_an_approval(vault_storage):
    from tests.disclosure.factories import approved_request

    _request, staff, prime, business = approved_request(classes=(1, 6))
    statements = uploaded_document(prime)
    photo = uploaded_document(prime, tag="p", document_type="photo")  # class 8, not approved
    client = client_for(staff, mfa=False)
    assert client.get(f"/api/v1/documents/{statements.pk}/file").status_code == 200
    assert client.get(f"/api/v1/documents/{photo.pk}/file").status_code == 404
    # The metadata list is the business's own: an institution is not a business user.
    assert client.get("/api/v1/documents").status_code == 403
    assert client.get(f"/api/v1/documents/{statements.pk}").status_code == 403


def test_anonymous_401_and_token_auth_works(prime):
    from accounts.services import api_token_issue

    assert APIClient().get("/api/v1/documents").status_code == 401
    assert APIClient().post("/api/v1/documents", {}, format="multipart").status_code == 401
    # A member who may draft (no second factor needed for a token, unlike the Prime holder).
    drafter = member_user(prime.membership_or_none.business, can_draft_applications=True)
    _token, key = api_token_issue(user=drafter, name="書類連携")
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert post(client, content=PNG, name="a.png").status_code == 201
    assert len(client.get("/api/v1/documents").json()) == 1


def test_a_member_without_rights_may_list_but_not_upload():
    business = BusinessFactory()
    prime_user(business)
    reader = member_user(business)
    client = client_for(reader, mfa=False)
    assert client.get("/api/v1/documents").status_code == 200
    assert post(client).status_code == 403
    assert Document.objects.count() == 0


def test_institution_staff_cannot_upload():
    assert post(client_for(institution_staff(), mfa=False)).status_code == 403


def test_applications_list_with_timeline():
    prime = prime_user(business_with_record())
    round_a, round_b = SubsidyRoundFactory(), SubsidyRoundFactory()
    draft = start_draft(prime, subsidy_round=round_a)
    sent = submitted(prime, round_b)
    uploaded_document(prime_user(BusinessFactory()))  # another business's data is not listed
    response = client_for(prime).get("/api/v1/applications")
    assert response.status_code == 200
    rows = {r["id"]: r for r in response.json()}
    assert set(rows) == {draft.pk, sent.pk}
    assert set(rows[sent.pk]) == {"id", "program", "round", "status", "timeline"}
    assert rows[sent.pk]["program"] == "jizokuka_general" and rows[sent.pk]["round"] == round_b.number
    assert rows[sent.pk]["status"] == "submitted"
    assert [s["status"] for s in rows[sent.pk]["timeline"]] == ["draft", "submitted"]
    assert [s["status"] for s in rows[draft.pk]["timeline"]] == ["draft"]
    assert APIClient().get("/api/v1/applications").status_code == 401
    assert client_for(institution_staff(), mfa=False).get("/api/v1/applications").status_code == 403


def test_the_openapi_schema_documents_the_endpoints():
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    for p in ("/api/v1/documents", "/api/v1/documents/{id}", "/api/v1/documents/{id}/file", "/api/v1/applications"):
        assert p in text


def test_an_idempotency_key_replays_the_first_answer(prime, vault_storage):
    client = client_for(prime)
    first = client.post("/api/v1/documents", {"file": upload(PDF), "document_type": "receipt"}, format="multipart",
                        HTTP_IDEMPOTENCY_KEY="upload-1")
    again = client.post("/api/v1/documents", {"file": upload(PDF), "document_type": "receipt"}, format="multipart",
                        HTTP_IDEMPOTENCY_KEY="upload-1")
    assert first.status_code == 201, first.content
    assert again.status_code == 201 and again.json() == first.json()
    assert again.get("Idempotent-Replayed") == "true"
    assert Document.objects.count() == 1 and len(stored_files(vault_storage)) == 1


def test_a_body_far_over_the_limit_is_refused_unread_in_the_error_shape(prime, settings):
    settings.INPUT_MAX_UPLOAD_BYTES = 2048
    response = post(client_for(prime), content=PDF + b"0" * 8192)
    assert response.status_code == 413 and "errors" in response.json()
    assert Document.objects.count() == 0
