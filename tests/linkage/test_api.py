import pytest

from companies.models import FinancialYear, Source
from core.models import AuditEvent
from institutions.models import SupportRecord
from linkage.models import IntakeBatch, IntakeItem, Outcome, PartnerRecord, ReviewItem
from tests.factories import BusinessFactory, FinancialYearFactory

from .factories import financial_record, partner, sole_proprietor, support_record

pytestmark = pytest.mark.django_db
URL = "/api/v1/partner/records"


def post(api_client, key, records, *, keyword="Partner", idempotency_key=None, **extra):
    headers = {"HTTP_AUTHORIZATION": f"{keyword} {key}"}
    if idempotency_key:
        headers["HTTP_IDEMPOTENCY_KEY"] = idempotency_key
    return api_client.post(URL, {"records": records}, format="json", **headers, **extra)


def test_batch_stores_financials_and_support_records_with_provenance(api_client):
    client, key = partner()
    business = BusinessFactory()
    response = post(api_client, key, [
        financial_record(corporate_number=business.corporate_number, sales="¥48,000,000"),
        support_record(corporate_number=business.corporate_number, supported_on="令和6年6月12日"),
    ])
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["accepted"] == 2 and [r["status"] for r in body["records"]] == ["accepted", "accepted"]
    batch = IntakeBatch.objects.get(pk=body["batch"])
    fy = FinancialYear.objects.get(business=business, fiscal_year=2023)
    assert (fy.sales, fy.ordinary_profit, fy.employees, fy.source) == (48_000_000, 2_100_000, 6, Source.PARTNER)
    assert fy.source_detail.startswith(f"partner:{client.institution_id} batch:{batch.pk} at:")
    sr = SupportRecord.objects.get(business=business)
    assert (sr.institution_id, sr.partner_record_id, sr.source, sr.supported_on.isoformat()) == (
        client.institution_id, "S-1", SupportRecord.Source.PARTNER, "2024-06-12")
    assert f"batch:{batch.pk}" in sr.source_detail
    assert sorted(IntakeItem.objects.filter(batch=batch).values_list("outcome", flat=True)) == ["created", "created"]
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.RECORD_IMPORTED)
    assert (event.institution_id, event.object_id, event.data["records"]) == (client.institution_id, str(batch.pk), 2)


def test_bearer_keyword_works_too(api_client):
    _client, key = partner()
    business = BusinessFactory()
    assert post(api_client, key, [financial_record(corporate_number=business.corporate_number)], keyword="Bearer").status_code == 201


def test_no_or_unknown_key_is_401(api_client):
    assert api_client.post(URL, {"records": []}, format="json").status_code == 401
    _client, key = partner()
    assert post(api_client, key + "x", [financial_record()]).status_code == 401
    assert post(api_client, "nothing.here", [financial_record()]).status_code == 401


def test_a_deactivated_key_is_401(api_client):
    client, key = partner()
    client.is_active = False
    client.save()
    assert post(api_client, key, [financial_record()]).status_code == 401


def test_a_signed_in_user_without_a_partner_key_is_refused(api_client):
    from tests.factories import agency_staff

    api_client.force_authenticate(agency_staff())
    assert api_client.post(URL, {"records": [financial_record()]}, format="json").status_code in (401, 403)
    assert not IntakeBatch.objects.exists()


def test_a_kind_outside_the_scopes_is_403_and_stores_nothing(api_client):
    _client, key = partner(scopes=["financials"])
    business = BusinessFactory()
    response = post(api_client, key, [financial_record(corporate_number=business.corporate_number),
                                      support_record(corporate_number=business.corporate_number)])
    assert response.status_code == 403
    assert "support_records" in response.json()["detail"]
    assert not FinancialYear.objects.exists() and not IntakeBatch.objects.exists()


def test_a_batch_is_all_or_nothing_and_lists_each_bad_record(api_client):
    _client, key = partner()
    business = BusinessFactory()
    response = post(api_client, key, [
        financial_record(record_id="ok", corporate_number=business.corporate_number),
        financial_record(record_id="bad-1", corporate_number="1234567890123", fiscal_year="someday"),
        support_record(record_id="bad-2", name="", supported_on="平成31年5月1日", theme=""),
        "not an object",
    ], HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    errors = response.json()["errors"]["records"]
    assert set(errors) == {"1", "2", "3"}
    assert set(errors["1"]) == {"corporate_number", "fiscal_year"}
    assert set(errors["2"]) == {"name", "supported_on", "theme"}
    assert "era" in errors["2"]["supported_on"][0]
    assert not FinancialYear.objects.exists()
    assert not IntakeBatch.objects.exists() and not AuditEvent.objects.exists()


def test_errors_are_japanese_by_default(api_client):
    _client, key = partner()
    response = post(api_client, key, [financial_record(corporate_number="", name="", fiscal_year="")])
    assert response.status_code == 400
    assert "法人番号" in response.json()["errors"]["records"]["0"]["name"][0]


def test_same_record_id_twice_in_one_batch_is_refused(api_client):
    _client, key = partner()
    business = BusinessFactory()
    record = financial_record(corporate_number=business.corporate_number)
    response = post(api_client, key, [record, record])
    assert response.status_code == 400
    assert "record_id" in response.json()["errors"]["records"]["1"]


def test_an_empty_or_missing_list_is_400(api_client):
    _client, key = partner()
    assert post(api_client, key, []).status_code == 400
    response = api_client.post(URL, {"rows": []}, format="json", HTTP_AUTHORIZATION=f"Partner {key}")
    assert response.status_code == 400 and "records" in response.json()["errors"]


def test_idempotent_retry_is_a_no_op(api_client):
    _client, key = partner()
    business = BusinessFactory()
    records = [financial_record(corporate_number=business.corporate_number)]
    first = post(api_client, key, records, idempotency_key="abc-1")
    again = post(api_client, key, records, idempotency_key="abc-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert IntakeBatch.objects.count() == 1 and IntakeItem.objects.count() == 1
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.RECORD_IMPORTED).count() == 1


def test_same_key_with_another_body_is_422(api_client):
    _client, key = partner()
    business = BusinessFactory()
    post(api_client, key, [financial_record(corporate_number=business.corporate_number)], idempotency_key="abc-2")
    response = post(api_client, key, [financial_record(corporate_number=business.corporate_number, sales=1)],
                    idempotency_key="abc-2")
    assert response.status_code == 422
    assert "idempotency_key" in response.json()["errors"]
    assert FinancialYear.objects.get().sales == 48_000_000


def test_keys_belong_to_their_partner(api_client):
    _client, key = partner()
    _other, other_key = partner()
    business = BusinessFactory()
    records = [financial_record(corporate_number=business.corporate_number)]
    assert post(api_client, key, records, idempotency_key="shared").status_code == 201
    assert post(api_client, other_key, records, idempotency_key="shared").status_code == 201
    assert IntakeBatch.objects.count() == 2


def test_a_refused_batch_does_not_use_up_its_key(api_client):
    _client, key = partner()
    business = BusinessFactory()
    assert post(api_client, key, [financial_record(fiscal_year="x")], idempotency_key="k").status_code == 400
    assert post(api_client, key, [financial_record(corporate_number=business.corporate_number)],
                idempotency_key="k").status_code == 201


def test_a_record_sent_twice_updates_and_never_duplicates(api_client):
    _client, key = partner()
    business = BusinessFactory()
    post(api_client, key, [financial_record(corporate_number=business.corporate_number),
                           support_record(corporate_number=business.corporate_number)])
    post(api_client, key, [financial_record(corporate_number=business.corporate_number, sales=50_000_000),
                           support_record(corporate_number=business.corporate_number, theme="事業承継")])
    post(api_client, key, [financial_record(corporate_number=business.corporate_number, sales=50_000_000)])
    assert FinancialYear.objects.get().sales == 50_000_000
    assert SupportRecord.objects.get().theme == "事業承継"
    assert PartnerRecord.objects.count() == 2
    outcomes = list(IntakeItem.objects.order_by("batch_id", "position").values_list("outcome", flat=True))
    assert outcomes == ["created", "created", "updated", "updated", "unchanged"]


def test_the_businesss_own_figures_are_kept(api_client):
    _client, key = partner()
    own = FinancialYearFactory(fiscal_year=2023, sales=1, source=Source.BUSINESS)
    assert post(api_client, key, [financial_record(corporate_number=own.business.corporate_number)]).status_code == 201
    own.refresh_from_db()
    assert own.sales == 1 and own.source == Source.BUSINESS
    assert IntakeItem.objects.get().outcome == Outcome.KEPT


def test_unknown_corporate_number_creates_nothing_and_is_not_disclosed(api_client):
    _client, key = partner()
    sole_proprietor(name="田中商店", prefecture="13", municipality="千代田区", address="東京都千代田区霞が関1-3-1")
    from tests.factories import next_corporate_number

    response = post(api_client, key, [financial_record(corporate_number=next_corporate_number(), name="田中商店",
                                                       prefecture="13", municipality="千代田区", address="霞が関1-3-1")])
    assert response.status_code == 201
    assert response.json()["records"][0]["status"] == "accepted"
    assert not FinancialYear.objects.exists()
    assert IntakeItem.objects.get().outcome == Outcome.UNMATCHED


def test_a_sole_proprietor_is_matched_by_name_and_address(api_client):
    _client, key = partner()
    shop = sole_proprietor(name="はなこパン工房", prefecture="20", municipality="松本市", address="長野県松本市中央一丁目2番3号")
    response = post(api_client, key, [support_record(name="ハナコパン工房", prefecture="長野県", municipality="松本市",
                                                     address="中央１－２－３")])
    assert response.status_code == 201
    assert SupportRecord.objects.get().business == shop
    item = IntakeItem.objects.get()
    assert (item.outcome, item.method, item.business_id) == ("created", "name_address", shop.pk)


def test_an_uncertain_match_waits_for_review_and_a_resend_updates_it(api_client):
    _client, key = partner()
    sole_proprietor(name="みどり青果", prefecture="13", municipality="大田区", address="東京都大田区蒲田5-1-1")
    post(api_client, key, [support_record(name="みどり青果", prefecture="13", municipality="大田区")])
    post(api_client, key, [support_record(name="みどり青果", prefecture="13", municipality="大田区", theme="資金繰り")])
    item = ReviewItem.objects.get()
    assert item.status == ReviewItem.Status.PENDING and item.payload["theme"] == "資金繰り"
    assert not SupportRecord.objects.exists()


def test_the_schema_documents_the_endpoint(api_client):
    response = api_client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    operation = schema["paths"]["/api/v1/partner/records"]["post"]
    assert {"201", "400", "401", "403", "422"} <= set(operation["responses"])
    assert "partnerKey" in schema["components"]["securitySchemes"]
    assert "PartnerRecord" in schema["components"]["schemas"]


def test_a_later_record_that_finds_its_business_settles_the_review(api_client):
    _client, key = partner()
    shop = sole_proprietor(name="みどり青果", prefecture="13", municipality="大田区", address="東京都大田区蒲田5-1-1")
    post(api_client, key, [support_record(name="みどり青果", prefecture="13", municipality="大田区")])
    assert ReviewItem.objects.get().status == ReviewItem.Status.PENDING
    post(api_client, key, [support_record(name="みどり青果", prefecture="13", municipality="大田区", address="蒲田五丁目1番1号")])
    assert ReviewItem.objects.get().status == ReviewItem.Status.SUPERSEDED
    assert SupportRecord.objects.get().business == shop
