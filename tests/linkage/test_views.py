import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from companies.models import FinancialYear
from consent.models import Narrowing
from core.errors import ApplicationError
from core.models import AuditEvent
from institutions.models import SupportRecord
from linkage.models import IntakeBatch, ReviewItem
from linkage.services import partner_batch_submit, review_item_decide
from tests.factories import (
    BusinessFactory,
    InstitutionFactory,
    agency_staff,
    institution_staff,
    mfa_login,
)

from .factories import partner, sole_proprietor, support_record

pytestmark = pytest.mark.django_db

PAGES = ["linkage:import", "linkage:review_list", "linkage:batch_list"]


@pytest.fixture
def staff_client(client):
    mfa_login(client, agency_staff())
    return client


@pytest.mark.parametrize("name", PAGES)
def test_pages_refuse_anonymous_and_other_roles(client, name):
    assert client.get(reverse(name)).status_code == 302
    client.force_login(institution_staff())
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_agency_staff_without_mfa_are_sent_to_mfa(client, name):
    client.force_login(agency_staff())
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


@pytest.mark.parametrize("name", PAGES)
def test_pages_open_for_agency_staff_with_mfa(staff_client, name):
    assert staff_client.get(reverse(name)).status_code == 200


def test_navigation_for_agency_staff_only():
    from linkage.navigation import nav_items

    assert [i.url_name for i in nav_items(agency_staff())] == ["linkage:import", "linkage:review_list"]
    assert nav_items(institution_staff()) == []


def _upload(staff_client, institution, text: str, encoding="cp932"):
    upload = SimpleUploadedFile("karte.csv", text.encode(encoding), content_type="text/csv")
    return staff_client.post(reverse("linkage:import"), {"institution": institution.pk, "kind": "", "file": upload})


def test_upload_dry_run_then_import(staff_client):
    institution = InstitutionFactory()
    business = BusinessFactory()
    FinancialYear.objects.create(business=business, fiscal_year=2022, sales=5, source="partner")
    text = ("管理番号,法人番号,決算年度,売上高\n"
            f"K-1,{business.corporate_number},令和5年度,\"1,000円\"\n"
            f"K-2,{business.corporate_number},R4,5\n")
    response = _upload(staff_client, institution, text)
    assert response.status_code == 200
    page = response.content.decode()
    assert "新規作成" in page and "変更なし" in page and "cp932" in page
    assert FinancialYear.objects.count() == 1 and not IntakeBatch.objects.exists()
    token = response.context["confirm_form"].initial["token"]
    response = staff_client.post(reverse("linkage:import_confirm"), {"token": token})
    assert response.status_code == 302
    assert FinancialYear.objects.get(fiscal_year=2023).sales == 1000
    batch = IntakeBatch.objects.get()
    assert batch.uploaded_by is not None and batch.filename == "karte.csv"
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.RECORD_IMPORTED).actor == batch.uploaded_by


def test_upload_with_bad_rows_imports_nothing_unless_chosen(staff_client):
    institution = InstitutionFactory()
    business = BusinessFactory()
    text = ("管理番号,法人番号,決算年度,売上高\n"
            f"K-1,{business.corporate_number},2023,1000\n"
            f"K-2,{business.corporate_number},いつか,1000\n")
    response = _upload(staff_client, institution, text, encoding="utf-8")
    page = response.content.decode()
    assert "決算年度は 2023" in page  # the reason, in Japanese, on line 3
    assert response.context["rows"][1]["line"] == 3
    token = response.context["confirm_form"].initial["token"]
    response = staff_client.post(reverse("linkage:import_confirm"), {"token": token})
    assert response.status_code == 200 and not FinancialYear.objects.exists()
    response = staff_client.post(reverse("linkage:import_confirm"), {"token": token, "import_good_rows": "on"})
    assert response.status_code == 302 and FinancialYear.objects.count() == 1


def test_a_confirm_with_another_users_token_does_nothing(staff_client, client):
    institution = InstitutionFactory()
    business = BusinessFactory()
    response = _upload(staff_client, institution, f"管理番号,法人番号,決算年度,売上高\nK-1,{business.corporate_number},2023,1\n")
    token = response.context["confirm_form"].initial["token"]
    mfa_login(client, agency_staff())
    response = client.post(reverse("linkage:import_confirm"), {"token": token})
    assert response.status_code == 302 and not FinancialYear.objects.exists()


def _review_item(**business_fields):
    """A pending review item made by the real intake service."""
    client, _key = partner()
    sole_proprietor(**({"name": "みどり青果", "prefecture": "13", "municipality": "大田区", "address": "東京都大田区蒲田5-1-1"}
                       | business_fields))
    partner_batch_submit(client=client, records=[support_record(name="みどり青果", prefecture="13", municipality="大田区")])
    return ReviewItem.objects.get()


def test_review_list_query_count(staff_client, django_assert_max_num_queries):
    client, _key = partner()
    sole_proprietor(name="みどり青果", prefecture="13", municipality="大田区", address="東京都大田区蒲田5-1-1")
    partner_batch_submit(client=client, records=[
        support_record(record_id=f"S-{i}", name="みどり青果", prefecture="13", municipality="大田区") for i in range(12)
    ])
    assert ReviewItem.objects.count() == 12
    # 9: constant per page (session, user, MFA, the header's unread-notices count, ...), none per item.
    with django_assert_max_num_queries(9):
        response = staff_client.get(reverse("linkage:review_list"))
    assert response.content.decode().count("みどり青果") >= 12


def test_batch_list_query_count(staff_client, django_assert_max_num_queries):
    client, _key = partner()
    for i in range(5):
        business = BusinessFactory()
        partner_batch_submit(client=client, records=[support_record(record_id=f"S-{i}", corporate_number=business.corporate_number)])
    with django_assert_max_num_queries(9):  # constant, none per batch (see above)
        response = staff_client.get(reverse("linkage:batch_list"))
    assert response.status_code == 200 and len(response.context["rows"]) == 5


def test_confirming_a_review_item_stores_the_record(staff_client):
    item = _review_item()
    business_id = item.candidates[0]["business_id"]
    response = staff_client.get(reverse("linkage:review_detail", args=[item.pk]))
    assert "みどり青果" in response.content.decode() and len(response.context["candidates"]) == 1
    response = staff_client.post(reverse("linkage:review_detail", args=[item.pk]),
                                 {"decision": "confirm", "business": business_id})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ReviewItem.Status.CONFIRMED and item.business_id == business_id
    record = SupportRecord.objects.get()
    assert record.business_id == business_id and record.source == SupportRecord.Source.PARTNER
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.RECORD_IMPORTED, business_id=business_id).exists()


def test_rejecting_a_review_item_stores_nothing(staff_client):
    item = _review_item()
    response = staff_client.post(reverse("linkage:review_detail", args=[item.pk]), {"decision": "reject"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ReviewItem.Status.REJECTED and not SupportRecord.objects.exists()


def test_a_review_item_is_decided_once_and_only_for_a_candidate():
    item = _review_item()
    staff = agency_staff()
    other = BusinessFactory()
    with pytest.raises(ApplicationError):
        review_item_decide(actor=staff, item_id=item.pk, decision="confirm", business_id=other.pk)
    review_item_decide(actor=staff, item_id=item.pk, decision="reject")
    with pytest.raises(ApplicationError):
        review_item_decide(actor=staff, item_id=item.pk, decision="confirm", business_id=item.candidates[0]["business_id"])


def test_a_candidate_whose_business_denies_the_agency_is_hidden(staff_client):
    item = _review_item()
    Narrowing.objects.create(business_id=item.candidates[0]["business_id"], data_class=1, recipient=2)
    response = staff_client.get(reverse("linkage:review_detail", args=[item.pk]))
    assert response.context["candidates"] == [] and response.context["hidden"] == 1
    assert "蒲田" not in response.content.decode()


def test_unknown_review_item_is_404(staff_client):
    assert staff_client.get(reverse("linkage:review_detail", args=[999999])).status_code == 404


def test_batch_detail_shows_what_became_of_each_record(staff_client, django_assert_max_num_queries):
    client, _key = partner()
    business = BusinessFactory()
    sole_proprietor(name="みどり青果", prefecture="13", municipality="大田区", address="東京都大田区蒲田5-1-1")
    _status, body = partner_batch_submit(client=client, records=[
        support_record(record_id="S-1", corporate_number=business.corporate_number),
        support_record(record_id="S-2", name="みどり青果", prefecture="13", municipality="大田区"),
        support_record(record_id="S-3", name="どこにもない店", prefecture="13", municipality="大田区"),
    ])
    with django_assert_max_num_queries(10):  # session, user, MFA, batch, count, items: none per item
        response = staff_client.get(reverse("linkage:batch_detail", args=[body["batch"]]))
    page = response.content.decode()
    assert [i.outcome for i in response.context["page"]] == ["created", "review", "unmatched"]
    assert "確認待ち" in page and "該当する事業者なし" in page
    assert staff_client.get(reverse("linkage:batch_detail", args=[body["batch"] + 1000])).status_code == 404
