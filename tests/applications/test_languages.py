"""The application pages in Japanese and then in English in one process: each in its
own language. Text built at import time with an eager gettext would come out in the
language the process used first (the section titles and submission messages did)."""

from __future__ import annotations

import pytest

from tests.factories import mfa_login

from .helpers import start_draft

pytestmark = pytest.mark.django_db

JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _pages(client, application):
    edit = client.get(f"/applications/{application.pk}/edit/", **JA).content.decode()
    # Submitting an incomplete draft shows the messages of the completeness check.
    submit = client.post(f"/applications/{application.pk}/submit/", {"confirm": "1"}, **JA).content.decode()
    history = client.get("/applications/", **JA).content.decode()
    edit_en = client.get(f"/applications/{application.pk}/edit/", **EN).content.decode()
    submit_en = client.post(f"/applications/{application.pk}/submit/", {"confirm": "1"}, **EN).content.decode()
    history_en = client.get("/applications/", **EN).content.decode()
    return (edit, submit, history), (edit_en, submit_en, history_en)


def test_japanese_then_english_in_one_process(client, prime, open_round):
    application = start_draft(prime, subsidy_round=open_round, accepted={1})
    mfa_login(client, prime)
    (edit, submit, history), (edit_en, submit_en, history_en) = _pages(client, application)
    assert "<h2>申請者</h2>" in edit, "the Japanese page first"
    # Section titles (module-level constants of applications/views.py).
    assert "<h2>申請者</h2>" in edit and "<h2>事業計画</h2>" in edit
    assert "<h2>Applicant</h2>" in edit_en and "<h2>Business plan</h2>" in edit_en
    assert "<h2>申請者</h2>" not in edit_en
    # Completeness messages (module-level constants of applications/services.py).
    assert "名称を入力してください。" in submit
    assert "Enter the title." in submit_en and "名称を入力してください。" not in submit_en
    assert "<h1>Applications</h1>" in history_en and "<h1>Applications</h1>" not in history
    # And back: nothing stuck in English either.
    again = client.get(f"/applications/{application.pk}/edit/", **JA).content.decode()
    assert "<h2>申請者</h2>" in again and "<h2>Applicant</h2>" not in again


def test_no_citation_of_source_notes_in_the_pages(client, prime, open_round):
    application = start_draft(prime, subsidy_round=open_round)
    mfa_login(client, prime)
    for headers in (JA, EN):
        for page in (f"/applications/{application.pk}/edit/", f"/applications/{application.pk}/submit/"):
            body = client.get(page, **headers).content.decode()
            assert "seed 003" not in body and "参考資料 §" not in body and "§" not in body, page
