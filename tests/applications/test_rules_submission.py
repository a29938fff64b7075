"""The rules refuse at submission, through the pages and through the API alike (the same
service), with the field named and nothing changed; a refused draft stays a draft."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from applications.models import Application, Frame
from tests.factories import mfa_login

from .factories import SubsidyRoundFactory, business_with_record
from .helpers import complete_draft, start_draft

pytestmark = pytest.mark.django_db
JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}


def _api_submit(client, application, *, key: str | None = None, pledge: bool = True):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"/api/v1/applications/{application.pk}/submit", data=json.dumps({"pledge": pledge}),
                       content_type="application/json", **JA, **headers)


def _draft(prime, round_, **content):
    return complete_draft(prime, start_draft(prime, subsidy_round=round_), **content)


@pytest.mark.parametrize(("jsic", "employees", "ok"), [
    ("58", 5, True), ("58", 6, False), ("58", 50, False),  # 小売: at most 5
    ("75", 20, True), ("75", 21, False),  # 宿泊業: at most 20
    ("80", 21, False),  # 娯楽業
    ("24", 20, True), ("24", 21, False),  # 製造業
    ("06", 20, True),  # 建設業 → 製造業その他
])
def test_seed_003_s1_s2_small_business_limit_at_submission_through_the_api(client, prime, open_round, jsic, employees, ok):
    application = _draft(prime, open_round, industry_jsic=jsic, employees=employees)
    mfa_login(client, prime)
    response = _api_submit(client, application)
    application.refresh_from_db()
    if ok:
        assert response.status_code == 200 and response.json()["status"] == "submitted"
        assert application.status == "submitted"
    else:
        assert response.status_code == 400
        message = response.json()["errors"]["employees"][0]
        assert f"{employees}人" in message and "人以下" in message  # names the count and the limit
        assert application.status == "draft" and application.receipt_number is None


def test_seed_003_s1_s2_retail_with_50_employees_refused_through_the_page(client, prime, open_round):
    application = _draft(prime, open_round, industry_jsic="58", employees=50)
    mfa_login(client, prime)
    response = client.post(f"/applications/{application.pk}/submit/", {"pledge": "on"}, **JA)
    assert response.status_code == 200
    html = response.content.decode()
    assert "5人以下" in html and "50人" in html
    application.refresh_from_db()
    assert application.status == "draft"


def test_seed_003_s1_correction_of_the_group_with_a_reason(client, prime, open_round):
    # A 飲食店 (76) with 8 staff is over the commerce limit; it makes bento to sell (§1's example) → 製造業.
    application = _draft(prime, open_round, industry_jsic="76", employees=8, industry_group="manufacturing_other", industry_group_reason="")
    mfa_login(client, prime)
    response = _api_submit(client, application)
    assert response.status_code == 400 and "industry_group_reason" in response.json()["errors"]
    complete_draft(prime, application, industry_jsic="76", employees=8, industry_group="manufacturing_other",
                   industry_group_reason="流通性のある弁当・総菜を製造して販売している")
    assert _api_submit(client, application).status_code == 200


def _frame(round_, **values) -> Frame:
    return Frame.objects.create(subsidy_round=round_, **{"kind": "normal", "cap": 500_000, **values})


def test_frame_required_when_the_round_has_frames_and_rate_and_cap_follow_it(client, prime, open_round):
    startup = _frame(open_round, kind="startup", cap=2_000_000, startup_window_start=dt.date(2023, 1, 1),
                     startup_window_end=dt.date(2025, 12, 31))
    application = _draft(prime, open_round)
    mfa_login(client, prime)
    assert "frame" in _api_submit(client, application).json()["errors"]
    expenses = [{"category": "advertising", "description": "チラシ", "amount": 3_300_000}]
    complete_draft(prime, application, frame=startup.pk, expenses=expenses, opened_on="2026-01-01", specific_startup_support=True)
    application.refresh_from_db()
    assert application.frame == startup and application.requested_amount == 2_000_000  # 2/3 of 3.3M capped at 2M
    errors = _api_submit(client, application).json()["errors"]
    assert "opened_on" in errors and "2025年12月31日" in errors["opened_on"][0]
    complete_draft(prime, application, frame=startup.pk, expenses=expenses, opened_on="2025-12-31", specific_startup_support=True)
    response = _api_submit(client, application, key="retry-1")
    assert response.status_code == 200
    assert _api_submit(client, application, key="retry-1").json() == response.json()  # the first answer again
    assert _api_submit(client, application, key="another").status_code == 400
    application.refresh_from_db()
    assert application.snapshot["frame"] == {"kind": "startup", "rate": "2/3", "cap": 2_000_000}
    import io

    from pypdf import PdfReader

    from applications.views import application_pdf_bytes

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(application_pdf_bytes(application))).pages)
    assert "創業枠" in text and "2000000" in text.replace(",", "")


def test_a_frame_of_another_round_is_refused(prime, open_round):
    other = _frame(SubsidyRoundFactory())
    application = start_draft(prime, subsidy_round=open_round)
    from applications import services
    from core.errors import ApplicationError

    with pytest.raises(ApplicationError) as exc:
        services.application_save_draft(actor=prime, application_id=application.pk, content={"frame": other.pk})
    assert "frame" in exc.value.errors


def test_seed_003_s7_s8_wage_frame_asks_the_minimum_wage_and_the_records(client, prime, open_round):
    from applications.models import MinimumWage

    MinimumWage.objects.create(prefecture="13", fiscal_year=2026, hourly=1200, effective_on=dt.date(2000, 1, 1))
    MinimumWage.objects.filter(fiscal_year__in=[2021, 2022], prefecture="13").delete()
    wage = _frame(open_round, kind="wage_increase", cap=2_000_000, wage_increase_yen=30, requires_wage_records=True)
    application = _draft(prime, open_round, frame=wage.pk, prefecture="13", lowest_wage_hourly=1199, planned_wage_hourly=1300)
    mfa_login(client, prime)
    page = client.get(f"/applications/{application.pk}/edit/", **JA).content.decode()
    assert "賃金台帳" in page and "労働者名簿" in page  # asked where the frame needs them
    errors = _api_submit(client, application).json()["errors"]
    assert {"lowest_wage_hourly", "wage_ledger_items", "worker_register_items"} <= set(errors)
    from applications import rules

    complete_draft(prime, application, frame=wage.pk, prefecture="13", lowest_wage_hourly=1200, planned_wage_hourly=1229,
                   wage_ledger_items=[c for c, _l in rules.WAGE_LEDGER_ITEMS], worker_register_items=[c for c, _l in rules.WORKER_REGISTER_ITEMS])
    errors = _api_submit(client, application).json()["errors"]
    assert set(errors) == {"planned_wage_hourly"} and "1,230" not in errors["planned_wage_hourly"][0] and "1230" in errors["planned_wage_hourly"][0]
    complete_draft(prime, application, frame=wage.pk, prefecture="13", lowest_wage_hourly=1200, planned_wage_hourly=1230,
                   wage_ledger_items=[c for c, _l in rules.WAGE_LEDGER_ITEMS], worker_register_items=[c for c, _l in rules.WORKER_REGISTER_ITEMS])
    assert _api_submit(client, application).status_code == 200


def test_seed_003_s12_not_taxpayer_may_enter_tax_included_through_the_page(client, open_round):
    from .test_views import form_data

    business = business_with_record()
    business.joint_applicants.all().delete()
    from tests.factories import prime_user

    prime = prime_user(business)
    application = start_draft(prime, subsidy_round=open_round)
    mfa_login(client, prime)
    data = form_data(application, tax_mode="included", consumption_tax_status="not_taxpayer", joint_applicants="")
    assert client.post(f"/applications/{application.pk}/edit/", data).status_code == 302
    data = form_data(application, tax_mode="included", consumption_tax_status="not_taxpayer", joint_applicants="協同組合テスト")
    response = client.post(f"/applications/{application.pk}/edit/", data, **JA)
    assert response.status_code == 200 and "共同申請" in response.content.decode()


def test_seed_003_s12_joint_application_refused_tax_included_at_submission(client, prime, open_round):
    application = _draft(prime, open_round, tax_mode="included", consumption_tax_status="not_taxpayer")  # joint applicant on record
    mfa_login(client, prime)
    assert "tax_mode" in _api_submit(client, application).json()["errors"]


@pytest.mark.parametrize(("line", "field"), [
    ({"category": "travel", "travel_item": "per_diem", "description": "日当", "amount": 3000}, "travel_item"),
    ({"category": "travel", "travel_item": "lodging", "region": "city:abidjan", "nights": 1, "lodging_per_night": 19_301, "amount": 19_301},
     "lodging_per_night"),
    ({"category": "outsourcing", "description": "物置の設置", "amount": 300_000, "building_work": True, "outer_closure": True,
      "land_fixed": True, "usable_space": True}, "building_work"),
])
def test_seed_003_s5_s10_expense_lines_refused_at_submission(client, prime, open_round, line, field):
    application = _draft(prime, open_round, expenses=[line])
    mfa_login(client, prime)
    response = _api_submit(client, application)
    assert response.status_code == 400 and f"expenses[0].{field}" in response.json()["errors"]


def test_seed_003_s10_abidjan_and_per_diem_through_the_page(client, prime, open_round):
    from .test_views import form_data

    application = start_draft(prime, subsidy_round=open_round)
    mfa_login(client, prime)
    travel = {"exp-0-category": "travel", "exp-0-description": "アビジャン商談会", "exp-0-amount": "19300", "exp-0-travel_item": "lodging",
              "exp-0-region": "city:abidjan", "exp-0-nights": "1", "exp-0-lodging_per_night": "19300"}
    page = client.get(f"/applications/{application.pk}/edit/", **JA).content.decode()
    assert "アビジャン" in page and "19,300" in page
    assert client.post(f"/applications/{application.pk}/edit/", form_data(application, **travel)).status_code == 302
    response = client.post(f"/applications/{application.pk}/edit/", form_data(application, **{**travel, "exp-0-travel_item": "per_diem"}), **JA)
    assert response.status_code == 200 and "日当" in response.content.decode()
    assert Application.objects.get(pk=application.pk).content["expenses"][0]["travel_item"] == "lodging"  # nothing written


REGULAR = {"regular_monthly_days": "20", "regular_daily_hours": "8", "regular_weekly_hours": "40"}


@pytest.mark.parametrize(("part", "ok"), [
    ({"part_monthly_days": "15", "part_daily_hours": "6"}, True),  # exactly 3/4 of both: 以下, not counted
    ({"part_monthly_days": "15", "part_weekly_hours": "30"}, True),  # days and weekly hours at 3/4
    ({"part_monthly_days": "15.5", "part_daily_hours": "6"}, False),  # days one step over 3/4: counted, 6 > 5
    ({"part_monthly_days": "15", "part_daily_hours": "6.5", "part_weekly_hours": "30.5"}, False),  # hours over 3/4
    ({"part_monthly_days": "20", "part_daily_hours": "4"}, False),  # hours short but days full: counted
])
def test_seed_003_s2_d2_part_time_3_4_test_at_submission_through_the_api(client, prime, open_round, part, ok):
    # A shop (小売, at most 5) with 5 regular staff and 1 part-timer: the 3/4 test decides.
    application = _draft(prime, open_round, industry_jsic="58", employees=5, part_time_staff=1, **REGULAR, **part)
    mfa_login(client, prime)
    response = _api_submit(client, application)
    application.refresh_from_db()
    if ok:
        assert response.status_code == 200, response.json()
        assert application.status == "submitted"
    else:
        assert response.status_code == 400
        message = response.json()["errors"]["employees"][0]
        assert "6人" in message and "5人以下" in message
        assert application.status == "draft"


def test_seed_003_s2_d2_part_time_staff_without_hours_refused_through_the_page(client, prime, open_round):
    application = _draft(prime, open_round, industry_jsic="58", employees=3, part_time_staff=2)
    mfa_login(client, prime)
    response = client.post(f"/applications/{application.pk}/submit/", {"pledge": "on"}, **JA)
    assert response.status_code == 200
    assert "4分の3" in response.content.decode() or "3/4" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "draft"
    complete_draft(prime, application, industry_jsic="58", employees=3, part_time_staff=2, **REGULAR,
                   part_monthly_days="12", part_daily_hours="5")
    response = _api_submit(client, application)
    assert response.status_code == 200, response.json()


def test_seed_003_s2_d2_the_form_asks_for_part_time_staff_and_hours(client, prime, open_round):
    application = start_draft(prime, subsidy_round=open_round)
    mfa_login(client, prime)
    html = client.get(f"/applications/{application.pk}/edit/", **JA).content.decode()
    for name in ("part_time_staff", "regular_monthly_days", "regular_daily_hours", "part_monthly_days", "part_weekly_hours"):
        assert f'name="{name}"' in html
