"""The pages and the API after adoption: applicant and agency, timeline, notices, 404s,
query counts of the lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from awards import services
from awards.models import Award, ExpenseLine
from notifications.models import Notice
from tests.applications.factories import SubsidyRoundFactory, business_with_record
from tests.awards.helpers import adopted_application, granted, line, receipt
from tests.factories import mfa_login, prime_user

pytestmark = pytest.mark.django_db


def test_applicant_requests_the_grant_from_the_page_and_sees_the_timeline(client, prime, adopted):
    mfa_login(client, prime)
    page = client.get(f"/applications/{adopted.pk}/").content.decode()
    assert "交付申請へ進む" in page
    response = client.post(f"/awards/{adopted.pk}/", {"action": "grant_request", "tax_mode": "included", "confirm": "on"})
    assert response.status_code == 200 and "税抜" in response.content.decode()  # §12: a taxable business
    assert not Award.objects.exists()
    response = client.post(f"/awards/{adopted.pk}/", {"action": "grant_request", "tax_mode": "excluded", "confirm": "on"})
    assert response.status_code == 302
    page = client.get(f"/awards/{adopted.pk}/").content.decode()
    assert "交付申請済" in page and "240,000円" in page and 'id="timeline"' in page and "採択" in page


def test_ledger_from_the_page_with_an_uploaded_receipt_and_a_foreign_document_refused(client, prime, staff, adopted):
    from tests.documents.files import pdf_bytes, upload

    granted(prime, staff, adopted)
    mfa_login(client, prime)
    base = {"action": "add_line", "category": "advertising", "description": "チラシ", "vendor": "印刷堂",
            "paid_on": timezone.localdate().isoformat(), "amount": "100000", "tax_mode": "excluded"}
    theirs = receipt(prime_user(), "foreign")
    response = client.post(f"/awards/{adopted.pk}/", {**base, "receipt": str(theirs.pk)})
    assert response.status_code == 200 and "保管庫にありません" in response.content.decode()
    assert ExpenseLine.objects.count() == 0
    response = client.post(f"/awards/{adopted.pk}/", {**base, "receipt_file": upload(pdf_bytes("receipt"), "領収書.pdf")})
    assert response.status_code == 302
    line_row = ExpenseLine.objects.get()
    assert line_row.receipt.document_type == "receipt" and line_row.receipt.name == "領収書.pdf"
    # 日当 from the page: refused with its message.
    response = client.post(f"/awards/{adopted.pk}/", {**base, "category": "travel", "travel_item": "per_diem", "receipt": str(line_row.receipt_id)})
    assert "日当" in response.content.decode() and ExpenseLine.objects.count() == 1


def test_another_business_s_award_is_404_on_pages_and_api(client, api_client, prime, staff, adopted):
    granted(prime, staff, adopted)
    stranger = prime_user(business_with_record())
    mfa_login(client, stranger)
    assert client.get(f"/awards/{adopted.pk}/").status_code == 404
    assert client.get(f"/awards/{adopted.pk}/pdf/grant-request/").status_code == 404
    api_client.force_authenticate(stranger)
    assert api_client.get(f"/api/v1/applications/{adopted.pk}/steps").status_code == 404
    assert api_client.get(f"/api/v1/applications/{adopted.pk}/award").status_code == 404
    # An agency page is 403 for a business user (decided before any lookup).
    assert client.get(f"/review/awards/{adopted.pk}/").status_code == 403


def test_api_gives_the_steps_and_the_award(api_client, prime, staff, adopted):
    granted(prime, staff, adopted)
    services.expense_line_add(actor=prime, application_id=adopted.pk, line=line(prime, document=receipt(prime, "api")))
    api_client.force_authenticate(prime)
    steps = api_client.get(f"/api/v1/applications/{adopted.pk}/steps").json()
    assert steps["award_status"] == "granted"
    labels = [s["label"] for s in steps["steps"]]
    assert "交付決定" in labels and labels[-1] == "実績報告の期限" and steps["steps"][-1]["state"] == "due"
    award = api_client.get(f"/api/v1/applications/{adopted.pk}/award").json()
    assert award["granted_amount"] == 240_000
    assert award["lines"][0]["vendor"] == "株式会社印刷堂" and award["due_dates"][0]["step"] == "report"
    schema = api_client.get("/api/schema/?format=json").json()
    assert "/api/v1/applications/{id}/award" in schema["paths"] or "/api/v1/applications/{pk}/award" in schema["paths"]


def test_agency_decides_confirms_and_sees_overdue_steps(client, prime, staff, adopted, django_assert_max_num_queries):
    services.grant_request(actor=prime, application_id=adopted.pk, tax_mode="excluded")
    mfa_login(client, staff)
    page = client.get(f"/review/awards/{adopted.pk}/").content.decode()
    assert "交付を決定する" in page
    today = timezone.localdate()
    response = client.post(f"/review/awards/{adopted.pk}/", {
        "action": "grant", "project_end": (today + dt.timedelta(days=1)).isoformat(),
        "report_due": (today + dt.timedelta(days=2)).isoformat()})
    assert response.status_code == 302
    award = Award.objects.get()
    assert award.granted_amount == 240_000
    # A step taken twice (another window): told, nothing changes.
    response = client.post(f"/review/awards/{adopted.pk}/", {
        "action": "grant", "project_end": today.isoformat(), "report_due": today.isoformat()})
    assert "再読み込み" in response.content.decode()
    award.due_dates.update(due_on=today - dt.timedelta(days=1))
    with django_assert_max_num_queries(12):
        listing = client.get("/review/awards/").content.decode()
    assert "期限超過" in listing
    assert "期限超過" in client.get(f"/review/awards/{adopted.pk}/").content.decode()


def test_agency_list_query_count_does_not_grow(client, staff, prime, adopted, vault, django_assert_max_num_queries):
    services.grant_request(actor=prime, application_id=adopted.pk, tax_mode="excluded")
    mfa_login(client, staff)
    client.get("/review/awards/")
    for _ in range(3):
        business = business_with_record()
        owner = prime_user(business)
        application = adopted_application(owner, staff, SubsidyRoundFactory())
        services.grant_request(actor=owner, application_id=application.pk, tax_mode="excluded")
    with django_assert_max_num_queries(12):
        response = client.get("/review/awards/")
    assert response.content.decode().count("/review/awards/") >= 4


def test_notices_list_unread_count_and_mark_read(client, prime, staff, adopted):
    granted(prime, staff, adopted)
    mfa_login(client, prime)
    home = client.get("/mypage/notices/").content.decode()
    assert "お知らせ (1)" in home and "交付決定のお知らせ" in home and "未読" in home
    assert client.post("/mypage/notices/").status_code == 302
    assert not Notice.objects.filter(user=prime, read_at__isnull=True).exists()
    assert "お知らせ (1)" not in client.get("/mypage/notices/").content.decode()


def test_the_agency_sees_no_award_of_a_business_that_withholds_program_usage_data(client, prime, staff, adopted):
    from consent import services as consent_services

    granted(prime, staff, adopted)
    mfa_login(client, staff)
    assert client.get(f"/review/awards/{adopted.pk}/").status_code == 200
    consent_services.consent_deny(actor=prime, business=adopted.business, data_class=10, recipient=2)
    assert client.get(f"/review/awards/{adopted.pk}/").status_code == 404
    assert f"/review/awards/{adopted.pk}/" not in client.get("/review/awards/").content.decode()
