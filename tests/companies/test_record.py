from __future__ import annotations

import pytest

from companies.models import FinancialYear, RecordChange
from companies.services import record_part_update
from tests.applications.factories import business_with_record
from tests.factories import (
    BusinessFactory,
    business_user,
    member_user,
    mfa_login,
    prime_user,
)

pytestmark = pytest.mark.django_db
JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}


def test_record_page_shows_every_part_with_source_and_date(client, django_assert_max_num_queries):
    business = business_with_record()
    prime = prime_user(business)
    mfa_login(client, prime)
    with django_assert_max_num_queries(16):
        response = client.get("/record/", **JA)
    assert response.status_code == 200
    parts = {p.key: p for p in response.context["parts"]}
    assert set(parts) == {"identity", "joint", "profile", "succession", "contact", "financials", "plan", "challenges"}
    name_row = next(r for r in parts["identity"].rows[0] if r.field == "name")
    assert name_row.value == business.name and name_row.source == "事業者が入力" and name_row.recorded_at
    html = response.content.decode()
    assert "付加価値額" in html and "15,800,000円" in html  # 3,000,000 + 12,000,000 + 800,000
    # Names, not codes: the prefecture by name, the financials as one year × item table.
    from core.formatting import prefecture_name
    assert f"<span class=\"record-value\">{prefecture_name(business.prefecture)}</span>" in html
    assert html.count("record-financials") == 1 and "年度" in html


def test_edit_writes_history_with_before_and_after(client):
    business = business_with_record()
    prime = prime_user(business)
    mfa_login(client, prime)
    response = client.post("/record/contact/edit/", {"name": "新担当 次郎", "department": "営業部", "phone": "03-1111-2222",
                                                      "email": "tanto@example.jp"})
    assert response.status_code == 302
    change = RecordChange.objects.get(business=business, field="name")
    assert (change.before, change.after, change.data_class, change.changed_by) == ("担当 花子", "新担当 次郎", 5, prime)
    assert not RecordChange.objects.filter(field="phone").exists()  # unchanged fields leave no row
    history = client.get("/record/history/", **JA)
    assert "新担当 次郎" in history.content.decode()
    # The latest change is the field's provenance on the record page.
    parts = {p.key: p for p in client.get("/record/").context["parts"]}
    assert next(r for r in parts["contact"].rows[0] if r.field == "name").recorded_at == change.changed_at


def test_financial_year_add_and_negative_amount_refused(client):
    business = business_with_record()
    mfa_login(client, prime_user(business))
    data = {"fiscal_year": "2025", "sales": "-1", "gross_profit": "", "operating_profit": "-500", "ordinary_profit": "",
            "net_income": "", "depreciation": "", "personnel_cost": "", "total_assets": "", "net_assets": "",
            "interest_bearing_debt": "", "employees": ""}
    response = client.post("/record/financials/add/", data, **JA)
    assert response.status_code == 200 and "0以上" in response.content.decode()
    assert not FinancialYear.objects.filter(business=business, fiscal_year=2025).exists()
    response = client.post("/record/financials/add/", {**data, "sales": "abc"}, **JA)
    assert response.status_code == 200 and not FinancialYear.objects.filter(fiscal_year=2025, business=business).exists()
    assert client.post("/record/financials/add/", {**data, "sales": "1000"}).status_code == 302
    assert FinancialYear.objects.get(business=business, fiscal_year=2025).operating_profit == -500  # a loss is allowed


def test_joint_applicants_and_challenges_add_and_remove(client):
    business = business_with_record()
    mfa_login(client, prime_user(business))
    assert client.post("/record/challenges/add/", {"theme": "sales", "description": "新規顧客"}).status_code == 302
    challenge = business.challenges.get()
    assert client.post(f"/record/challenges/{challenge.pk}/remove/").status_code == 302
    assert not business.challenges.exists()
    assert RecordChange.objects.filter(model="companies.challenge", after__isnull=True).exists()


@pytest.mark.parametrize("rights, view, edit", [
    ({"can_view_records": True, "can_edit_record": False}, 200, 404),
    ({"can_view_records": True, "can_edit_record": True}, 200, 200),
    ({"can_view_records": False, "can_edit_record": False}, 404, 404),
])
def test_member_rights(client, rights, view, edit):
    business = business_with_record()
    member = member_user(business, **rights)
    mfa_login(client, member)
    assert client.get("/record/").status_code == view
    assert client.get("/record/identity/edit/").status_code == edit
    response = client.post("/record/identity/edit/", {"name": "乗っ取り", "prefecture": "13"})
    business.refresh_from_db()
    if edit == 404:
        assert response.status_code == 404 and business.name != "乗っ取り"
    else:
        assert response.status_code == 302 and business.name == "乗っ取り"


def test_entry_and_other_business_get_404(client):
    business = business_with_record()
    other = BusinessFactory()
    row = business.joint_applicants.get()
    for user in (business_user(business=business, account_type="entry"), prime_user(other)):
        mfa_login(client, user)
        assert client.get("/record/" if user.membership.account_type == "entry" else "/record/history/").status_code in (404, 200)
        assert client.get(f"/record/joint/{row.pk}/edit/").status_code == 404
        assert client.post(f"/record/joint/{row.pk}/remove/").status_code == 404
    assert business.joint_applicants.exists()
    client.logout()
    assert client.get("/record/").status_code == 302


def test_entry_user_has_no_record_page(client):
    business = business_with_record()
    mfa_login(client, business_user(business=business, account_type="entry"))
    assert client.get("/record/").status_code == 404
    assert client.get("/record/history/").status_code == 404


def test_service_refuses_unknown_fields_and_keeps_record():
    business = business_with_record()
    from core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        record_part_update(actor=None, business=business, part="contact", values={"password": "x"})
    assert not RecordChange.objects.exists()
