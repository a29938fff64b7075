from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from applications.models import Application
from tests.factories import (
    agency_staff,
    business_user,
    member_user,
    mfa_login,
    prime_user,
)

from .factories import SubsidyRoundFactory, business_with_record
from .helpers import start_draft, submitted

pytestmark = pytest.mark.django_db
JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}


def form_data(application, **overrides):
    """What the browser posts for the draft's current content, plus overrides."""
    data = {k: ("" if v is None else v) for k, v in application.content.items() if k != "expenses"}
    data.update({"plan_title": "販路開拓", "sales_plan": "展示会に出展する。", "tax_mode": "excluded", "revenue_expected": "no",
                 "confirm_all": "on", "exp-TOTAL_FORMS": "1", "exp-INITIAL_FORMS": "0", "exp-MIN_NUM_FORMS": "0",
                 "exp-MAX_NUM_FORMS": "40", "exp-0-category": "exhibition", "exp-0-description": "出展料", "exp-0-amount": "200000"})
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not False}


def test_start_shows_classes_and_prefills(client, prime, open_round):
    mfa_login(client, prime)
    response = client.get("/applications/new/jizokuka_general/", **JA)
    assert response.status_code == 200
    codes = {c["code"]: c for c in response.context["classes"]}
    assert codes[1]["allowed"] and codes[6]["allowed"] and not codes[4]["allowed"]
    html = response.content.decode()
    assert "事業者名" in html and "売上高" in html and "申請者の識別・属性情報" in html  # what, by data class
    response = client.post("/applications/new/jizokuka_general/", {"subsidy_round": open_round.pk, "class_1": "on", "class_5": "on"})
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/applications/{application.pk}/edit/"
    page = client.get(response["Location"], **JA)
    html = page.content.decode()
    assert "あなたの個社情報から" in html or "個社情報" in html
    assert page.context["form"]["company_name"].value() == prime.business.name
    assert not page.context["form"]["plan_overview"].value()  # class 7 declined


@pytest.mark.parametrize("overrides, field, message", [
    ({"exp-0-amount": "-5"}, "amount", "0以上"),
    ({"exp-0-amount": "１万円"}, "amount", "半角数字"),
    ({"exp-0-category": "travel", "exp-0-region": "domestic_otsu", "exp-0-nights": "1", "exp-0-lodging_per_night": "9801"},
     "lodging_per_night", "9,800"),
    ({"capital": "-1"}, "capital", "0以上"),
])
def test_bad_input_gets_a_japanese_message_and_nothing_is_saved(client, prime, open_round, overrides, field, message):
    application = start_draft(prime, subsidy_round=open_round)
    before = (dict(application.content), application.updated_at)
    mfa_login(client, prime)
    response = client.post(f"/applications/{application.pk}/edit/", form_data(application, **overrides), **JA)
    assert response.status_code == 200
    assert message in response.content.decode()
    application.refresh_from_db()
    assert (application.content, application.updated_at) == before


def test_tax_included_only_for_exempt_and_never_joint(client, prime, open_round, business):
    application = start_draft(prime, subsidy_round=open_round)
    mfa_login(client, prime)
    response = client.post(f"/applications/{application.pk}/edit/", form_data(application, tax_mode="included"), **JA)
    assert "常に「税抜」" in response.content.decode()  # a joint application (the form data has joint applicants)
    data = form_data(application, tax_mode="included", joint_applicants="")  # taxable, alone
    assert "「税込」で計上できるのは" in client.post(f"/applications/{application.pk}/edit/", data, **JA).content.decode()
    data = form_data(application, tax_mode="included", consumption_tax_status="exempt", joint_applicants="")
    assert client.post(f"/applications/{application.pk}/edit/", data).status_code == 302
    data = form_data(application, tax_mode="included", consumption_tax_status="exempt")  # joint applicants present
    assert "常に「税抜」" in client.post(f"/applications/{application.pk}/edit/", data, **JA).content.decode()


def test_lodging_cap_tax_included_adds_consumption_tax(client, prime, open_round):
    application = start_draft(prime, subsidy_round=open_round)
    mfa_login(client, prime)
    line = {"exp-0-category": "travel", "exp-0-region": "domestic_kou", "exp-0-nights": "1"}
    data = form_data(application, tax_mode="included", consumption_tax_status="exempt", joint_applicants="", **line)
    assert client.post(f"/applications/{application.pk}/edit/", {**data, "exp-0-lodging_per_night": "11990"}).status_code == 302
    assert client.post(f"/applications/{application.pk}/edit/", {**data, "exp-0-lodging_per_night": "11991"}).status_code == 200


def test_bonus_rules_use_the_rounds_dates(client, prime, business):
    round_ = SubsidyRoundFactory(reference_date="2021-12-31", plan_certified_by="2022-03-31")
    application = start_draft(prime, subsidy_round=round_)
    mfa_login(client, prime)
    # Born 1960-04-01: 61 on 2021-12-31 → the succession bonus may be requested.
    ok = form_data(application, bonus_succession="on", successor_name="試験 次郎")
    assert client.post(f"/applications/{application.pk}/edit/", ok).status_code == 302
    # 年齢計算ニ関スル法律: born 1962-01-01 is 60 at the end of 2021-12-31 (accepted); born 1962-01-02 is not.
    born_new_year = form_data(application, bonus_succession="on", successor_name="試験 次郎", representative_birth_date="1962-01-01")
    assert client.post(f"/applications/{application.pk}/edit/", born_new_year).status_code == 302
    young = form_data(application, bonus_succession="on", representative_birth_date="1962-01-02")
    assert "事業承継加点には" in client.post(f"/applications/{application.pk}/edit/", young, **JA).content.decode()
    late = form_data(application, bonus_keieiryoku="on", keieiryoku_certified_on="2022-04-01")
    assert "2022-03-31" in client.post(f"/applications/{application.pk}/edit/", late, **JA).content.decode()
    in_time = form_data(application, bonus_keieiryoku="on", keieiryoku_certified_on="2022-03-31")
    assert client.post(f"/applications/{application.pk}/edit/", in_time).status_code == 302


def test_autosave_with_htmx(client, prime, open_round):
    application = start_draft(prime, subsidy_round=open_round)
    mfa_login(client, prime)
    response = client.post(f"/applications/{application.pk}/autosave/", form_data(application, plan_title="自動保存"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.plan_title == "自動保存"
    response = client.post(f"/applications/{application.pk}/autosave/", form_data(application, **{"exp-0-amount": "abc"}), **JA)
    assert response.status_code == 422
    application.refresh_from_db()
    assert application.content["expenses"][0]["amount"] == 200_000


def test_submit_page_requires_pledge_then_submits_and_pdf(client, prime, open_round, business):
    application = start_draft(prime, subsidy_round=open_round)
    mfa_login(client, prime)
    assert client.post(f"/applications/{application.pk}/edit/", form_data(application)).status_code == 302
    from tests.supportplans.helpers import issued

    issued(prime, application)
    response = client.post(f"/applications/{application.pk}/submit/", {}, **JA)
    assert "反社会的勢力" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "draft"
    response = client.post(f"/applications/{application.pk}/submit/", {"pledge": "on"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted"
    pdf = client.get(f"/applications/{application.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert business.name in text
    assert application.receipt_number in text
    assert "反社会的勢力排除に関する誓約事項" in text
    assert f"1 / {len(reader.pages)}" in text
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4


def test_roles_on_pages(client, business, open_round):
    prime = prime_user(business)
    application = start_draft(prime, subsidy_round=open_round)
    entry = business_user(business=business, account_type="entry")
    no_view = member_user(business, can_view_records=False)
    viewer = member_user(business, can_view_records=True, can_draft_applications=False)
    stranger = prime_user(business_with_record())
    urls = ["/applications/", f"/applications/{application.pk}/", f"/applications/{application.pk}/edit/"]
    # Users of the business whose account may not read its records: 403 (they know it exists).
    for user in (entry, no_view):
        mfa_login(client, user)
        for url in urls:
            assert client.get(url).status_code == 403, (user, url)
    # Another business's application: 404, as for one that does not exist.
    mfa_login(client, stranger)
    for url in urls[1:]:
        assert client.get(url).status_code == 404, url
    assert len(client.get("/applications/").context["page"].object_list) == 0  # only its own
    mfa_login(client, viewer)
    assert client.get("/applications/").status_code == 200
    assert client.get(f"/applications/{application.pk}/edit/").status_code == 403  # may view, not draft
    assert client.get("/applications/new/jizokuka_general/").status_code == 403
    client.logout()
    assert client.get("/applications/").status_code == 302  # to the login page
    mfa_login(client, prime)
    assert client.get("/review/applications/").status_code == 403  # not agency staff


def test_history_lists_every_application_without_n_plus_one(client, prime, business, django_assert_max_num_queries):
    institution_rounds = [SubsidyRoundFactory() for _ in range(3)]
    for r in institution_rounds:
        submitted(prime, r)
    start_draft(prime, program="jigyo_keizoku")
    mfa_login(client, prime)
    with django_assert_max_num_queries(12):
        response = client.get("/applications/")
    assert len(response.context["page"].object_list) == 4
    assert "review_score" not in response.content.decode()


def test_agency_review_pages_and_applicant_never_sees_score(client, prime, open_round, django_assert_max_num_queries):
    staff = agency_staff()
    applications = [submitted(prime_user(business_with_record()), open_round) for _ in range(3)]
    application = applications[0]
    mfa_login(client, staff)
    with django_assert_max_num_queries(10):
        assert client.get("/review/applications/").status_code == 200
    client.post(f"/review/applications/{application.pk}/", {"action": "start"})
    client.post(f"/review/applications/{application.pk}/", {"action": "decide", "review_score": "77.25", "review_result": "not_adopted"})
    application.refresh_from_db()
    assert (application.status, str(application.review_score)) == ("not_adopted", "77.25")
    owner = application.business.memberships.get().user
    mfa_login(client, owner)
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert "77.25" not in page and "不採択" in page or "Not adopted" in page


def test_procedure_form_has_unticked_consent(client, prime):
    mfa_login(client, prime)
    client.post("/applications/new/keiei_kakushin/", {"class_1": "on", "class_5": "on"})
    application = Application.objects.get()
    page = client.get(f"/applications/{application.pk}/edit/")
    field = page.context["form"]["data_use_consent"]
    assert field.value() in (False, None)
    assert 'name="data_use_consent"' in page.content.decode() and "checked" not in str(field)


def test_a_second_save_keeps_the_expense_lines(client, prime, open_round):
    """The autosave and the final save post the same rows: the second must keep them."""
    application = start_draft(prime, subsidy_round=open_round)
    mfa_login(client, prime)
    data = form_data(application, **{"exp-TOTAL_FORMS": "2", "exp-1-category": "", "exp-1-amount": ""})
    client.post(f"/applications/{application.pk}/autosave/", data)
    client.post(f"/applications/{application.pk}/edit/", data)
    application.refresh_from_db()
    assert [line["amount"] for line in application.content["expenses"]] == [200_000]


def test_an_older_autosave_cannot_overwrite_a_newer_save(client, prime, open_round):
    application = start_draft(prime, subsidy_round=open_round)
    mfa_login(client, prime)
    client.post(f"/applications/{application.pk}/edit/", form_data(application, plan_title="新しい", client_seq="2000"))
    response = client.post(f"/applications/{application.pk}/autosave/", form_data(application, plan_title="古い", client_seq="1000"))
    assert response.status_code == 422
    application.refresh_from_db()
    assert application.plan_title == "新しい"


def test_member_who_may_not_edit_the_record_gets_no_write_back_boxes(client, member, open_round):
    application = start_draft(member, subsidy_round=open_round)
    mfa_login(client, member)
    page = client.get(f"/applications/{application.pk}/edit/")
    assert "wb_phone" not in page.context["form"].fields
    assert 'name="wb_phone"' not in page.content.decode()
    # The Prime holder sees them.
    from tests.factories import prime_user

    prime = prime_user(member.business)
    mfa_login(client, prime)
    assert 'name="wb_phone"' in client.get(f"/applications/{application.pk}/edit/").content.decode()


@pytest.mark.parametrize("program", ["keieiryoku_kojo", "jigyo_keizoku"])
def test_start_page_of_a_procedure_renders(client, prime, program):
    """A procedure has no round and no frame field: the page must not call the form's
    frame lookup (it did, and answered 500 — found by the canary sweep)."""
    mfa_login(client, prime)
    response = client.get(f"/applications/new/{program}/", **JA)
    assert response.status_code == 200
    assert 'name="frame"' not in response.content.decode()
