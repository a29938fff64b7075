"""The self-check wizard: eligibility → frame → re-application → minimum wage → start, pre-filled
from the record, every verdict from applications.rules."""

from __future__ import annotations

import datetime as dt

import pytest

from applications import rules
from applications.models import Application, Frame, MinimumWage
from tests.factories import mfa_login

from .factories import SubsidyRoundFactory

pytestmark = pytest.mark.django_db
JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}
URL = "/eligibility/jizokuka/check/{}/"


def _round_with_frames():
    round_ = SubsidyRoundFactory()
    normal = Frame.objects.create(subsidy_round=round_, kind="normal", cap=500_000)
    wage = Frame.objects.create(subsidy_round=round_, kind="wage_increase", cap=2_000_000, wage_increase_yen=30, requires_wage_records=True)
    return round_, normal, wage


def _eligibility(client, round_, **extra):
    data = {"subsidy_round": round_.pk, "main_jsic": "58", "main_share": "100", "regular": "5", **extra}
    return client.post(URL.format("eligibility"), data, **JA)


def test_prefilled_from_the_record_and_ends_at_start(client, prime):
    round_, normal, _wage = _round_with_frames()
    prime.business.employees = 4
    prime.business.save()
    mfa_login(client, prime)
    page = client.get(URL.format("eligibility"), **JA)
    form = page.context["form"]
    assert form.initial["main_jsic"] == "58" and form.initial["regular"] == 4  # from the record
    assert "個社情報" in page.content.decode()
    assert _eligibility(client, round_, regular="4")["Location"] == URL.format("frame")
    assert client.post(URL.format("frame"), {"frame": normal.pk}, **JA)["Location"] == URL.format("reapply")
    # The normal frame asks nothing about wages: straight to the result.
    assert client.post(URL.format("reapply"), {}, **JA)["Location"] == URL.format("result")
    result = client.get(URL.format("result"), **JA)
    assert result.context["may_start"]
    html = result.content.decode()
    start = f"/applications/new/jizokuka_general/?round={round_.pk}&amp;frame={normal.pk}"
    assert start in html and "この申請を始める" in html
    # The start page takes the round and the frame; the draft carries the frame.
    client.post("/applications/new/jizokuka_general/", {"subsidy_round": round_.pk, "frame": normal.pk, "class_1": "on"})
    assert Application.objects.get(business=prime.business).frame == normal


@pytest.mark.parametrize(("regular", "part_time", "part_hours", "ok"), [
    ("5", "0", {}, True), ("6", "0", {}, False),  # §1/§2 at the commerce limit, one over
    ("5", "3", {"part_daily_hours": "6", "part_monthly_days": "15"}, True),  # exactly 3/4: not counted
    ("5", "3", {"part_daily_hours": "6.5", "part_monthly_days": "15"}, False),  # over 3/4: counted → 8
])
def test_seed_003_s1_s2_d2_eligibility_step(client, regular, part_time, part_hours, ok):
    round_, normal, _wage = _round_with_frames()
    hours = {"regular_daily_hours": "8", "regular_monthly_days": "20", **part_hours}
    _eligibility(client, round_, regular=regular, part_time=part_time, **hours)
    client.post(URL.format("frame"), {"frame": normal.pk})
    client.post(URL.format("reapply"), {})
    result = client.get(URL.format("result"), **JA)
    assert result.context["verdicts"]["eligibility"]["ok"] is ok
    assert not result.context["may_start"]  # anonymous: sign in first


def test_seed_003_s3_reapply_step_uses_the_table(client):
    from applications.models import SubsidyRound

    round10 = SubsidyRound.objects.get(program="jizokuka_general", number=10)
    normal = round10.frames.get(kind="normal")
    _eligibility(client, round10)
    client.post(URL.format("frame"), {"frame": normal.pk})
    client.post(URL.format("reapply"), {"prev_r1_general": ["7"]})
    verdicts = client.get(URL.format("result"), **JA).context["verdicts"]
    assert verdicts["reapply"]["ok"] is False  # 第7回 → 第10回: ×
    client.post(URL.format("reapply"), {"prev_r1_general": ["6"]})
    assert client.get(URL.format("result"), **JA).context["verdicts"]["reapply"]["ok"] is True  # 第6回 → 第10回: ○


ALL_RECORD_ITEMS = {"wage_ledger_items": [code for code, _label in rules.WAGE_LEDGER_ITEMS],
                    "worker_register_items": [code for code, _label in rules.WORKER_REGISTER_ITEMS]}


def _ledger(*rows: dict) -> dict:
    """The wage step's ledger formset: one block per employee."""
    data = {"emp-TOTAL_FORMS": str(len(rows)), "emp-INITIAL_FORMS": "0", "emp-MIN_NUM_FORMS": "0", "emp-MAX_NUM_FORMS": "50"}
    for i, row in enumerate(rows):
        data.update({f"emp-{i}-{name}": value for name, value in row.items()})
    return data


def _to_wage_step(client, *, prefecture="27", hourly=1200):
    round_, _normal, wage = _round_with_frames()
    MinimumWage.objects.create(prefecture=prefecture, fiscal_year=2026, hourly=hourly, effective_on=dt.date(2026, 10, 1))
    _eligibility(client, round_)
    assert client.post(URL.format("frame"), {"frame": wage.pk})["Location"] == URL.format("reapply")
    assert client.post(URL.format("reapply"), {})["Location"] == URL.format("wage")
    return round_, wage


def _wage_verdict(client, rows, *, planned="1230", items=ALL_RECORD_ITEMS):
    response = client.post(URL.format("wage"), {"prefecture": "27", "planned_wage_hourly": planned, **items, **_ledger(*rows)}, **JA)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    result = client.get(URL.format("result"), **JA)
    return result.context["verdicts"]["wage"], result.content.decode()


@pytest.mark.parametrize(("base", "planned", "ok"), [("192000", "1230", True), ("192000", "1229", False), ("191999", "1300", False)])
def test_seed_003_s7_wage_step_against_the_regional_minimum(client, base, planned, ok):
    _to_wage_step(client)
    # Monthly 192,000 yen over 160 hours = 1,200 yen; the bonus and commuting allowance do not count.
    verdict, html = _wage_verdict(client, [{"name": "A", "kind": "monthly", "base": base, "bonus": "30000", "commuting": "20000",
                                            "monthly_hours": "160"}], planned=planned)
    assert verdict["ok"] is ok
    assert "賃金台帳" in html  # §8 items where the frame needs them


FULL_TIME = {"name": "正社員A", "kind": "monthly", "base": "300000", "allowances": "20000", "overtime": "50000", "family": "10000",
             "commuting": "15000", "attendance": "5000", "monthly_hours": "160"}  # (300,000 + 20,000) / 160 = 2,000


@pytest.mark.parametrize(("lowest", "ok"), [
    ({"name": "パートB", "kind": "hourly", "base": "1200", "attendance": "100", "commuting": "50"}, True),  # at the minimum
    ({"name": "パートB", "kind": "hourly", "base": "1199", "attendance": "100", "commuting": "50"}, False),  # one yen under; excluded pay does not lift it
    ({"name": "日給C", "kind": "daily", "base": "9600", "overtime": "3000", "daily_hours": "8"}, True),  # ③ 9,600 / 8 = 1,200
    ({"name": "日給C", "kind": "daily", "base": "9592", "family": "5000", "daily_hours": "8"}, False),  # 1,199 an hour
    ({"name": "年俸D", "kind": "annual", "base": "2304000", "bonus": "500000", "working_days": "240", "daily_hours": "8"}, True),  # ① 1,200
    ({"name": "年俸D", "kind": "annual", "base": "2303999", "working_days": "240", "daily_hours": "8"}, False),
])
def test_seed_003_s7_ledger_per_employee_the_lowest_decides(client, lowest, ok):
    _to_wage_step(client)
    verdict, _html = _wage_verdict(client, [FULL_TIME, lowest], planned="1300")
    assert verdict["ok"] is ok
    text = "\n".join(verdict["lines"])
    assert "正社員A：時間換算 2000.00 円" in text  # each employee's figure, §7's exclusions left out
    assert f"{lowest['name']}：時間換算" in text
    answers = client.session["jizokuka_wizard"]["wage"]
    assert answers["lowest"] == lowest["name"] and len(answers["ledger"]) == 2


@pytest.mark.parametrize(("row", "ok"), [
    # ④ fixed monthly 96,000 / 160 h = 600 + commission 720,000 over 1,200 h in 12 months = 600 → 1,200
    ({"kind": "monthly", "base": "96000", "monthly_hours": "160", "commission_total": "720000", "commission_hours": "1200",
      "commission_months": "12"}, True),
    ({"kind": "monthly", "base": "96000", "monthly_hours": "160", "commission_total": "718800", "commission_hours": "1200",
      "commission_months": "12"}, False),  # 599 + 600 = 1,199
    ({"commission_total": "1440000", "commission_hours": "1200", "commission_months": "12"}, True),  # commission only: 1,200
])
def test_seed_003_s7_4_commission_is_averaged_and_added_to_the_fixed_pay(client, row, ok):
    _to_wage_step(client)
    verdict, _html = _wage_verdict(client, [{"name": "歩合E", **row}], planned="1300")
    assert verdict["ok"] is ok


def test_seed_003_s7_4_commission_of_more_than_12_months_is_refused(client):
    _to_wage_step(client)
    response = client.post(URL.format("wage"), {"prefecture": "27", **_ledger(
        {"name": "E", "commission_total": "100000", "commission_hours": "100", "commission_months": "13"})}, **JA)
    assert response.status_code == 200 and response.context["form"].ledger.forms[0].errors["commission_months"]


def test_seed_003_s8_wage_frame_asks_the_ledger_and_register_items(client):
    _to_wage_step(client)
    page = client.get(URL.format("wage"), **JA).content.decode()
    assert page.count('name="wage_ledger_items"') == len(rules.WAGE_LEDGER_ITEMS) == 10
    assert page.count('name="worker_register_items"') == len(rules.WORKER_REGISTER_ITEMS) == 7
    row = {"name": "A", "kind": "hourly", "base": "1250"}
    verdict, _html = _wage_verdict(client, [row], planned="1300", items={"wage_ledger_items": ["name", "sex"]})
    assert verdict["ok"] is False
    assert any("賃金台帳" in line and "深夜" in line for line in verdict["lines"])  # names the missing items
    verdict, _html = _wage_verdict(client, [row], planned="1300")
    assert verdict["ok"] is True


def test_seed_003_s7_ledger_refusals_name_the_employee_row(client):
    _to_wage_step(client)
    response = client.post(URL.format("wage"), {"prefecture": "27", **_ledger({"name": "A", "kind": "monthly", "base": "200000"})}, **JA)
    assert response.status_code == 200
    assert response.context["form"].ledger.forms[0].errors["monthly_hours"]
    response = client.post(URL.format("wage"), {"prefecture": "27", **_ledger({"name": "", "base": "", "kind": ""})}, **JA)
    assert response.status_code == 200 and "1人以上" in response.content.decode()
    response = client.post(URL.format("wage"), {"prefecture": "27", **_ledger({"name": "A", "kind": "hourly", "base": "٣"})}, **JA)
    assert response.status_code == 200 and response.context["form"].ledger.forms[0].errors["base"]


def test_later_steps_need_the_earlier_ones(client):
    assert client.get(URL.format("result"))["Location"] == URL.format("eligibility")
    assert client.get(URL.format("nonsense")).status_code == 404


def test_prefilled_prefecture_before_the_wage_step_is_answered(client, prime):
    """The record pre-fills the wage step's prefecture; the steps before it still render."""
    round_, _normal, wage = _round_with_frames()
    mfa_login(client, prime)
    _eligibility(client, round_)
    client.post(URL.format("frame"), {"frame": wage.pk})
    assert client.get(URL.format("reapply"), **JA).status_code == 200
    page = client.get(URL.format("wage"), **JA)
    assert page.status_code == 200 and page.context["form"].initial["prefecture"] == "13"
