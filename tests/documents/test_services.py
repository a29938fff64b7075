"""The vault's writes: each bad input gets its message and writes nothing (no row, no
file, no attachment); the same bytes are one document; reads are decided and audited."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation

from core.errors import ApplicationError
from core.models import AuditEvent
from documents import services
from documents.models import Attachment, Document
from tests.applications.factories import SubsidyRoundFactory, business_with_record
from tests.applications.helpers import start_draft
from tests.factories import BusinessFactory, member_user, prime_user

from .conftest import stored_files
from .factories import uploaded_document
from .files import DOCX, EXE, JPEG, PDF, PNG, XLSX, pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def prime():
    return prime_user(business_with_record())


def _upload(user, content=PDF, name="決算書.pdf", document_type="financial_statements", **kwargs):
    return services.document_upload(actor=user, uploaded_file=upload(content, name), document_type=document_type, **kwargs)


def _refusal(user, **kwargs) -> dict[str, list[str]]:
    with translation.override("ja"), pytest.raises(ApplicationError) as exc:
        _upload(user, **kwargs)
    return exc.value.errors


@pytest.mark.parametrize(("content", "name", "mime"), [
    (PDF, "決算書.pdf", "application/pdf"),
    (JPEG, "photo.JPG", "image/jpeg"),
    (PNG, "shop.png", "image/png"),
    (XLSX, "経費.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (DOCX, "計画.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (PDF, "renamed.txt", "application/pdf"),  # the content decides, not the name
])
def test_accepted_kinds_are_judged_by_content(prime, vault_storage, content, name, mime):
    result = _upload(prime, content=content, name=name)
    document = result.document
    assert result.created
    assert document.content_type == mime
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.size == len(content)
    assert document.name == name
    assert document.data_class == 6
    with document.open_file() as f:
        assert f.read() == content
    assert len(stored_files(vault_storage)) == 1
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.DOCUMENT_UPLOADED, object_id=str(document.pk)).count() == 1


def test_an_exe_renamed_pdf_is_refused_and_nothing_is_written(prime, vault_storage):
    errors = _refusal(prime, content=EXE, name="決算書.pdf")
    assert "PDF, JPEG, PNG, XLSX, DOCX" in errors["file"][0]
    assert "名前" in errors["file"][0] or "内容" in errors["file"][0]
    assert Document.objects.count() == 0
    assert stored_files(vault_storage) == []
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.DOCUMENT_UPLOADED).exists()


def test_an_empty_file_is_refused(prime, vault_storage):
    errors = _refusal(prime, content=b"", name="empty.pdf")
    assert "0" in errors["file"][0] and "空" in errors["file"][0]
    assert Document.objects.count() == 0 and stored_files(vault_storage) == []


def test_a_file_over_the_limit_is_refused(prime, vault_storage, settings):
    settings.DOCUMENT_MAX_FILE_BYTES = len(PDF) - 1
    errors = _refusal(prime, content=PDF)
    assert "MB" in errors["file"][0]
    assert Document.objects.count() == 0 and stored_files(vault_storage) == []


def test_a_zip_that_is_not_office_is_refused(prime, vault_storage):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("payload.bin", b"x" * 100)
    errors = _refusal(prime, content=buffer.getvalue(), name="book.xlsx")
    assert errors["file"]
    assert Document.objects.count() == 0


def test_bad_type_and_dates_are_refused_with_their_field(prime, vault_storage):
    import datetime as dt

    from django.utils import timezone

    errors = _refusal(prime, document_type="passport")
    assert set(errors) == {"document_type"}
    today = timezone.localdate()
    errors = _refusal(prime, issued_on=today + dt.timedelta(days=1))
    assert set(errors) == {"issued_on"}
    errors = _refusal(prime, issued_on=today, valid_until=today - dt.timedelta(days=1))
    assert set(errors) == {"valid_until"}
    with pytest.raises(ApplicationError) as exc:
        services.document_upload(actor=prime, uploaded_file=None, document_type="photo")
    assert set(exc.value.errors) == {"file"}
    assert Document.objects.count() == 0 and stored_files(vault_storage) == []


def test_the_same_bytes_twice_are_one_document(prime, vault_storage):
    first = _upload(prime, name="a.pdf")
    second = _upload(prime, name="b.pdf", document_type="other")
    assert first.created and not second.created
    assert second.document.pk == first.document.pk
    assert second.document.document_type == "financial_statements"  # the existing document, unchanged
    assert Document.objects.count() == 1
    assert len(stored_files(vault_storage)) == 1


def test_the_same_bytes_in_two_businesses_are_two_documents(vault_storage):
    one, two = prime_user(BusinessFactory()), prime_user(BusinessFactory())
    a, b = _upload(one).document, _upload(two).document
    assert a.pk != b.pk and a.business_id != b.business_id
    assert len(stored_files(vault_storage)) == 2


def test_who_may_upload():
    business = BusinessFactory()
    prime_user(business)
    reader = member_user(business)  # may view the record, may not draft or edit
    with pytest.raises(PermissionDenied):
        _upload(reader)
    drafter = member_user(business, can_draft_applications=True)
    assert _upload(drafter).created


def test_names_are_cleaned(prime):
    document = _upload(prime, name="../../etc/\x00pass\nwd.pdf").document
    assert document.name == "pass wd.pdf" or document.name == "passwd.pdf"
    assert "/" not in document.name and "\x00" not in document.name


# --- attaching ------------------------------------------------------------------------


@pytest.fixture
def draft(prime):
    return start_draft(prime, subsidy_round=SubsidyRoundFactory())


def test_upload_and_attach_in_one_step(prime, draft):
    result = _upload(prime, attach_to=draft.pk)
    assert result.created and result.attached
    assert list(draft.attachments.values_list("document_id", flat=True)) == [result.document.pk]
    again = services.document_attach(actor=prime, application_id=draft.pk, document_id=result.document.pk)
    assert again is False and Attachment.objects.count() == 1


def test_over_the_application_total_nothing_is_half_attached(prime, draft, settings, vault_storage):
    uploaded_document(prime, tag="one", attach_to=draft.pk)
    settings.DOCUMENT_MAX_APPLICATION_BYTES = len(pdf_bytes("one")) + 10
    with translation.override("ja"), pytest.raises(ApplicationError) as exc:
        services.document_upload(actor=prime, uploaded_file=upload(pdf_bytes("two")), document_type="quotation", attach_to=draft.pk)
    assert "MB" in exc.value.errors["file"][0]
    assert Document.objects.count() == 1  # the new file was not kept either
    assert Attachment.objects.count() == 1
    assert len(stored_files(vault_storage)) == 1


def test_a_failure_after_the_file_is_stored_leaves_no_file(prime, draft, vault_storage, monkeypatch):
    def broken_audit(**kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services, "audit_event", broken_audit)
    with pytest.raises(RuntimeError):
        _upload(prime, attach_to=draft.pk)
    assert Document.objects.count() == 0 and Attachment.objects.count() == 0
    assert stored_files(vault_storage) == []


def test_another_business_s_document_cannot_be_attached(prime, draft):
    stranger = prime_user(BusinessFactory())
    theirs = uploaded_document(stranger, tag="theirs")
    with translation.override("ja"), pytest.raises(ApplicationError) as exc:
        services.document_attach(actor=prime, application_id=draft.pk, document_id=theirs.pk)
    assert exc.value.errors["document"]
    assert Attachment.objects.count() == 0


def test_another_business_s_application_is_404(prime, draft):
    stranger = prime_user(BusinessFactory())
    mine = uploaded_document(stranger, tag="mine")
    with pytest.raises(Http404):
        services.document_attach(actor=stranger, application_id=draft.pk, document_id=mine.pk)
    with pytest.raises(Http404):
        _upload(stranger, content=pdf_bytes("x"), attach_to=draft.pk)
    assert Document.objects.filter(business=stranger.membership_or_none.business).count() == 1


def test_a_submitted_application_s_documents_are_fixed(prime, draft):
    from applications.models import Application

    Application.objects.filter(pk=draft.pk).update(status="submitted", receipt_number="JZ2026-0000001")
    with translation.override("ja"), pytest.raises(ApplicationError):
        _upload(prime, attach_to=draft.pk)
    assert Document.objects.count() == 0


def test_detach_keeps_the_document(prime, draft):
    document = uploaded_document(prime, attach_to=draft.pk)
    services.document_detach(actor=prime, application_id=draft.pk, document_id=document.pk)
    assert Attachment.objects.count() == 0 and Document.objects.filter(pk=document.pk).exists()
    with pytest.raises(Http404):
        services.document_detach(actor=prime, application_id=draft.pk, document_id=document.pk)


def test_the_sweep_removes_a_file_whose_row_never_committed(prime, vault_storage):
    import datetime as dt

    from django.db import transaction

    class Rollback(Exception):
        pass

    kept = _upload(prime, content=pdf_bytes("kept")).document
    with pytest.raises(Rollback), transaction.atomic():
        _upload(prime, content=pdf_bytes("lost"))
        raise Rollback
    assert Document.objects.count() == 1 and len(stored_files(vault_storage)) == 2
    assert services.documents_sweep_orphans() == 0  # within the grace period: an upload may be under way
    assert services.documents_sweep_orphans(older_than=dt.timedelta(seconds=-1)) == 1
    files = stored_files(vault_storage)
    assert [p.name for p in files] == [kept.storage_name.rsplit("/", 1)[-1]]
