#!/usr/bin/env python
"""Benchmark of the document vault (issue 14).

1. Uploads: 10 files of 10 MB each through the real WSGI application (POST
   /api/v1/documents with a token), the request body streamed from a file on disk as a
   web server would hand it over. Reported: time per upload and the process's peak
   resident memory above the floor measured in the same run (after a 1 KB upload);
   target < 50 MB above the floor. Files are stored in a temporary directory.
2. The vault page (GET /documents/) with 1,000 documents: median and p95 time over 30
   requests, and its query count with 10 and with 1,000 documents (must be equal);
   target median < 200 ms.

A throw-away database (bench_<name>_documents) is created and dropped.

    DATABASE_URL=... .venv/bin/python bench/documents.py
"""

from __future__ import annotations

import io
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _benchdb import bench_database, setup_django  # noqa: E402

MB = 1024 * 1024
FILE_SIZE = 10 * MB
UPLOADS = 10
VAULT_DOCUMENTS = 1000


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def multipart_file(path: Path, *, size: int, seed: bytes) -> tuple[str, int]:
    """A multipart body with a PDF of `size` bytes, written to disk in 1 MB chunks."""
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"document_type\"\r\n\r\nfinancial_statements\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"決算書.pdf\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    with path.open("wb") as out:
        out.write(head)
        body = b"%PDF-1.7\n%" + seed + b"\n"
        out.write(body)
        written = len(body)
        block = os.urandom(MB)
        while written < size:
            n = min(MB, size - written)
            out.write(block[:n])
            written += n
        out.write(tail)
    return boundary, path.stat().st_size


def upload(handler, path: Path, boundary: str, length: int, token: str) -> int:

    statuses = []

    def start_response(status, headers):
        statuses.append(int(status.split()[0]))

    with path.open("rb") as stream:
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/documents", "SCRIPT_NAME": "", "QUERY_STRING": "",
            "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
            "wsgi.input": stream, "wsgi.errors": io.StringIO(), "wsgi.version": (1, 0), "wsgi.multithread": False,
            "wsgi.multiprocess": False, "wsgi.run_once": False,
            "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}", "CONTENT_LENGTH": str(length),
            "HTTP_AUTHORIZATION": f"Token {token}", "HTTP_HOST": "testserver",
        }
        response = handler(environ, start_response)
        b"".join(response)
        if hasattr(response, "close"):
            response.close()
    return statuses[0]


def count_queries(connection, call) -> int:
    """Queries run by one request (an execute wrapper: the query log is reset per request)."""
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        assert call().status_code == 200
    return count


def main() -> None:
    import argparse

    global UPLOADS, VAULT_DOCUMENTS
    parser = argparse.ArgumentParser()
    parser.add_argument("--uploads", type=int, default=UPLOADS)
    parser.add_argument("--documents", type=int, default=VAULT_DOCUMENTS)
    args = parser.parse_args()
    UPLOADS, VAULT_DOCUMENTS = args.uploads, args.documents
    setup_django()
    from django.conf import settings

    vault_root = tempfile.mkdtemp(prefix="mirasapo-bench-vault-")
    settings.STORAGES = {**settings.STORAGES, "documents": {
        "BACKEND": "documents.storage.PrivateFileSystemStorage", "OPTIONS": {"location": vault_root}}}
    settings.FILE_UPLOAD_TEMP_DIR = tempfile.mkdtemp(prefix="mirasapo-bench-upload-")

    with bench_database("documents"):
        from django.core.handlers.wsgi import WSGIHandler
        from django.db import connection
        from django.test import Client

        from accounts.models import Membership, User
        from companies.models import Business
        from companies.validators import make_corporate_number
        from consent.policy_loader import ensure_policy_installed
        from documents.models import Document

        ensure_policy_installed()
        business = Business.objects.create(corp_type=1, corporate_number=make_corporate_number("100000000001"),
                                           name="株式会社ベンチ商事", prefecture="13")
        user = User.objects.create_user("bench-owner@example.jp", "bench-password-123", kind="business")
        Membership.objects.create(user=user, business=business, account_type="prime")
        from allauth.mfa.totp.internal.auth import TOTP

        from accounts.services import api_token_issue

        TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DP")  # a Prime holder gets a key only with 2FA set up
        _token, token = api_token_issue(user=user, name="bench")
        handler = WSGIHandler()
        work = Path(tempfile.mkdtemp(prefix="mirasapo-bench-body-"))

        # The floor: one small upload through the same path.
        boundary, length = multipart_file(work / "floor", size=1024, seed=b"floor")
        assert upload(handler, work / "floor", boundary, length, token) == 201
        floor = peak_rss_mb()

        times = []
        for i in range(UPLOADS):
            path = work / f"body{i}"
            boundary, length = multipart_file(path, size=FILE_SIZE - 64, seed=f"{i}".encode())
            start = time.perf_counter()
            status = upload(handler, path, boundary, length, token)
            times.append(time.perf_counter() - start)
            assert status == 201, status
            path.unlink()
        above = peak_rss_mb() - floor
        stored = Document.objects.filter(business=business).exclude(size__lt=FILE_SIZE - MB).count()
        print(f"uploads: {UPLOADS} x {FILE_SIZE // MB} MB, {stored} stored; per upload median {statistics.median(times) * 1000:.0f} ms, "
              f"max {max(times) * 1000:.0f} ms, total {sum(times):.1f} s")
        print(f"peak memory above the floor: {above:.1f} MB (floor {floor:.0f} MB RSS; target < 50 MB) "
              f"-> {'OK' if above < 50 else 'OVER'}")

        # The vault page: query count with 10 and with 1,000 documents, then timings.
        Document.objects.filter(business=business).delete()
        rows = [Document(business=business, document_type="receipt", data_class=8, name=f"領収書{i:04d}.pdf",
                         storage_name=f"bench/{i}.pdf", size=1000 + i, sha256=f"{i:064x}", content_type="application/pdf",
                         uploaded_by=user) for i in range(VAULT_DOCUMENTS)]
        Document.objects.bulk_create(rows[:10])
        client = Client(HTTP_ACCEPT_LANGUAGE="ja")
        client.force_login(user)
        session = client.session
        session["mirasapo_mfa_passed"] = True
        session.save()
        few_samples = []
        for _ in range(10):
            start = time.perf_counter()
            client.get("/documents/")
            few_samples.append(time.perf_counter() - start)
        few = count_queries(connection, lambda: client.get("/documents/"))
        Document.objects.bulk_create(rows[10:])
        many = count_queries(connection, lambda: client.get("/documents/"))
        floor_samples = []
        for _ in range(30):
            start = time.perf_counter()
            assert client.get("/mypage/").status_code == 200
            floor_samples.append(time.perf_counter() - start)
        samples = []
        for _ in range(30):
            start = time.perf_counter()
            response = client.get("/documents/")
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200
        samples.sort()
        median = statistics.median(samples) * 1000
        print(f"vault page, {Document.objects.filter(business=business).count()} documents: median {median:.1f} ms, "
              f"p95 {samples[int(len(samples) * 0.95) - 1] * 1000:.1f} ms (target < 200 ms) -> {'OK' if median < 200 else 'SLOW'}")
        print(f"floors in the same run: vault page with 10 documents median {statistics.median(few_samples) * 1000:.1f} ms; "
              f"マイページ median {statistics.median(floor_samples) * 1000:.1f} ms")
        print(f"vault page queries: {few} with 10 documents, {many} with {VAULT_DOCUMENTS} -> {'constant' if few == many else 'GROWS'}")

    import shutil

    for d in (vault_root, settings.FILE_UPLOAD_TEMP_DIR, str(work)):
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
