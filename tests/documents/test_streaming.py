"""Uploads stream to disk in chunks and stop being written past the limit; two uploads of
the same bytes at the same moment resolve to one document."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from documents import services
from documents.models import Document
from documents.uploads import CappedTemporaryFileUploadHandler, inspect
from tests.factories import BusinessFactory, prime_user

from .conftest import stored_files
from .files import PDF, pdf_bytes, upload


def _feed(handler, data: bytes, chunk: int = 1000):
    handler.new_file("file", "big.pdf", "application/pdf", len(data))
    for start in range(0, len(data), chunk):
        handler.receive_data_chunk(data[start:start + chunk], start)
    return handler.file_complete(len(data))


def test_the_handler_writes_to_a_temporary_file_and_stops_past_the_limit(settings, rf):
    settings.UPLOAD_MAX_FILE_BYTES = 4096
    handler = CappedTemporaryFileUploadHandler(rf.post("/"))
    data = PDF + b"x" * 20_000
    uploaded = _feed(handler, data)
    assert uploaded.size == len(data) and uploaded.over_limit
    on_disk = len(open(uploaded.temporary_file_path(), "rb").read())
    assert on_disk == 4097  # the limit and one byte: enough to know it is over, no more
    small = _feed(CappedTemporaryFileUploadHandler(rf.post("/")), PDF)
    assert small.size == len(PDF) and not small.over_limit
    assert inspect(small).content_type == "application/pdf"


def test_upload_handlers_are_only_the_streaming_one(settings):
    assert settings.FILE_UPLOAD_HANDLERS == ["documents.uploads.CappedTemporaryFileUploadHandler"]


@pytest.mark.django_db(transaction=True)
def test_two_uploads_of_the_same_bytes_at_once_make_one_document(vault_storage):
    prime = prime_user(BusinessFactory())
    content = pdf_bytes("race")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def go():
        try:
            barrier.wait()
            results.append(services.document_upload(actor=prime, uploaded_file=upload(content), document_type="receipt"))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Document.objects.count() == 1
    assert {r.document.pk for r in results} == {Document.objects.get().pk}
    assert sorted(r.created for r in results) == [False, True]
    assert len(stored_files(vault_storage)) == 1
