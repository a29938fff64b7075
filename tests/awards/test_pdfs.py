"""The PDF of each stage, in Japanese with the shipped font: checked with pdftotext."""

from __future__ import annotations

import subprocess

import pytest

from awards import pdfs, services
from awards.models import Award, ExpenseLine
from tests.awards.helpers import reported
from tests.factories import mfa_login

pytestmark = pytest.mark.django_db


def _text(raw: bytes) -> str:
    # Table cells wrap: compare without spaces and line breaks.
    text = subprocess.run(["pdftotext", "-", "-"], input=raw, capture_output=True, check=True).stdout.decode()
    return "".join(text.split())


def test_each_stage_has_its_pdf(prime, staff, adopted, client):
    reported(prime, staff, adopted)
    advertising = ExpenseLine.objects.get(category="advertising")
    services.confirm(actor=staff, application_id=adopted.pk, assessments={advertising.pk: (200_000, "見積外の追加印刷分")})
    services.payment_claim(actor=prime, application_id=adopted.pk)
    award = Award.objects.get(application=adopted)
    assert pdfs.stages_of(award) == ["grant-request", "grant-decision", "report", "confirmation", "claim"]
    mfa_login(client, prime)
    texts = {}
    for stage in pdfs.stages_of(award):
        response = client.get(f"/awards/{adopted.pk}/pdf/{stage}/")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        texts[stage] = _text(response.content)
    assert "交付申請書" in texts["grant-request"] and "240,000円" in texts["grant-request"] and "広報費" in texts["grant-request"]
    assert "交付決定通知書" in texts["grant-decision"] and "240,000円" in texts["grant-decision"]
    assert "実績報告書" in texts["report"] and "ホテル青葉" in texts["report"] and "2泊×10,900" in texts["report"] and "271,800" in texts["report"]
    assert "確定通知書" in texts["confirmation"] and "147,866円" in texts["confirmation"]
    assert "見積外の追加印刷分" in texts["confirmation"] and "50,000" in texts["confirmation"]
    assert "精算払請求書" in texts["claim"] and "147,866円" in texts["claim"]
    # A stage not reached has no PDF.
    assert client.get(f"/awards/{adopted.pk}/pdf/unknown/").status_code == 404
