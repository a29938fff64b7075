"""Each rule of seed 003 §1-3 and §7, case by case from the seed's own examples."""

from __future__ import annotations

from decimal import Decimal

import pytest

from applications import eligibility as e


def check(industry="commerce_service", staff=(), previous=(), target=11):
    return e.check_jizokuka({
        "industry": industry, "staff": [{"role": r, "count": c} for r, c in staff],
        "previous_adoptions": [{"program": p, "round": n} for p, n in previous], "target_round": target,
    })


# §2: who counts as 常時使用する従業員.
@pytest.mark.parametrize("role, counted", [
    ("officer", 0),  # (a) 会社役員
    ("officer_employee", 3),  # (a) 従業員との兼務役員は含まれる
    ("owner", 0),  # (b) 個人事業主本人
    ("family", 0),  # (b) 同居の親族従業員
    ("on_leave", 0),  # (c) 育児休業中・介護休業中・傷病休業中または退職中
    ("day_labourer", 0),  # (d-1) 日々雇い入れられる者
    ("short_term", 0),  # (d-1) 2か月以内の期間を定めて雇用される者
    ("seasonal", 0),  # (d-1) 季節的業務に4か月以内
    ("retained_beyond_term", 3),  # (d-1) 所定の期間を超えて引き続き雇用されている者は含まれる
    ("part_time", 0),  # (d-2) パートタイム労働者
    ("regular", 3),
])
def test_section_2_counts_each_role(role, counted):
    assert check(staff=[(role, 3)]).counted_employees == counted


# §1 with the call's thresholds.
@pytest.mark.parametrize("industry, employees, small", [
    ("commerce_service", 5, True), ("commerce_service", 6, False),
    ("accommodation_entertainment", 20, True), ("accommodation_entertainment", 21, False),
    ("manufacturing_other", 20, True), ("manufacturing_other", 21, False),
])
def test_section_1_thresholds(industry, employees, small):
    result = check(industry=industry, staff=[("regular", employees)])
    assert result.is_small_business is small
    assert result.threshold == e.THRESHOLDS[industry]


def test_section_1_restaurant_example():
    """【例:飲食店】 serving dishes only is 商業・サービス業 (5); making bento to sell is 製造業 (20)."""
    staff = [("regular", 8), ("part_time", 10), ("officer", 2)]
    assert check(industry="commerce_service", staff=staff).is_small_business is False
    assert check(industry="manufacturing_other", staff=staff).is_small_business is True


def test_section_2_part_timers_and_officers_do_not_push_over():
    result = check(staff=[("regular", 5), ("part_time", 7), ("officer", 2), ("family", 1)])
    assert (result.counted_employees, result.is_small_business) == (5, True)


# §3 再度申請が可能となる事業者: the table, cell by cell where it changes.
@pytest.mark.parametrize("program, number, target, expected", [
    ("r1_general", 1, 9, True), ("r1_general", 5, 11, True),
    ("r1_general", 6, 9, False), ("r1_general", 6, 10, True),
    ("r1_general", 7, 10, False), ("r1_general", 7, 11, None),
    ("r1_general", 8, 11, False), ("r1_general", 11, 11, False),
    ("r2_low_infection", 3, 9, True), ("r2_low_infection", 4, 9, False), ("r2_low_infection", 4, 10, True),
    ("r2_low_infection", 5, 10, False), ("r2_low_infection", 5, 11, True),
    ("r2_low_infection", 6, 10, False), ("r2_low_infection", 6, 11, None),
])
def test_section_3_reapplication_table(program, number, target, expected):
    assert check(previous=[(program, number)], target=target).may_reapply is expected


def test_section_3_no_previous_adoption_may_apply():
    assert check(target=9).may_reapply is True


def test_section_3_a_refusal_beats_a_later_announcement():
    assert check(previous=[("r1_general", 7), ("r1_general", 8)], target=11).may_reapply is False
    assert check(previous=[("r1_general", 7), ("r1_general", 2)], target=11).may_reapply is None


@pytest.mark.parametrize("body, field", [
    ({"industry": "retail", "staff": [], "target_round": 11}, "industry"),
    ({"industry": "commerce_service", "staff": [{"role": "regular", "count": -1}], "target_round": 11}, "staff[0].count"),
    ({"industry": "commerce_service", "staff": [{"role": "regular", "count": "3"}], "target_round": 11}, "staff[0].count"),
    ({"industry": "commerce_service", "staff": [{"role": "boss", "count": 1}], "target_round": 11}, "staff[0].role"),
    ({"industry": "commerce_service", "staff": [], "target_round": 12}, "target_round"),
    ({"industry": "commerce_service", "staff": [], "previous_adoptions": [{"program": "r1_general", "round": 12}], "target_round": 11},
     "previous_adoptions[0].round"),
    ({"industry": "commerce_service", "staff": [], "previous_adoptions": [{"program": "x", "round": 1}], "target_round": 11},
     "previous_adoptions[0].program"),
])
def test_api_bad_input_names_the_field(api_client, db, body, field):
    response = api_client.post("/api/v1/eligibility/jizokuka", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_api_answers_exactly_as_api_md(api_client, db):
    response = api_client.post("/api/v1/eligibility/jizokuka", {
        "industry": "accommodation_entertainment",
        "staff": [{"role": "regular", "count": 12}, {"role": "officer_employee", "count": 1}, {"role": "seasonal", "count": 9}],
        "previous_adoptions": [{"program": "r2_low_infection", "round": 6}], "target_round": 11,
    }, format="json", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"counted_employees", "threshold", "is_small_business", "may_reapply", "reasons"}
    assert (data["counted_employees"], data["threshold"], data["is_small_business"], data["may_reapply"]) == (13, 20, True, None)
    assert any("受付分で採択" in r for r in data["reasons"])
    assert not any("§" in r or "参考資料" in r for r in data["reasons"])  # no citations of source notes
    assert any("今後" in r or "改めて" in r for r in data["reasons"])


def test_eligibility_page_is_public_and_answers(client, db):
    assert client.get("/eligibility/jizokuka/").status_code == 200
    response = client.post("/eligibility/jizokuka/", {"industry": "commerce_service", "staff_regular": "6", "target_round": "10",
                                                      "prev_r1_general": ["6"]})
    assert response.status_code == 200
    assert response.context["result"].is_small_business is False
    assert response.context["result"].may_reapply is True


# §7 「事業場内最低賃金」の算出方法.
def test_section_7_annual_monthly_daily():
    assert e.hourly_from_annual(3_000_000, 250, 8) == Decimal("1500.00")  # ① 年俸 ÷ (日数 × 時間)
    assert e.hourly_from_monthly(240_000, 160) == Decimal("1500.00")  # ② 月給 ÷ 月平均所定労働時間
    assert e.hourly_from_daily(9_000, 7.5) == Decimal("1200.00")  # ③ 日給 ÷ 1日の所定労働時間
    assert e.hourly_from_monthly(200_000, 163) == Decimal("1226.99")  # rounded down, never up


def test_section_7_commission_added_to_fixed_pay():
    # ④ 12か月の歩合給 240,000円 ÷ 2,000時間 = 120円 + 固定給の時間換算額 1,000円
    assert e.hourly_from_commission(240_000, 2_000, 12, fixed_hourly=1_000) == Decimal("1120.00")
    # hired less than a year ago: the months since hiring
    assert e.hourly_from_commission(60_000, 500, 3) == Decimal("120.00")
    with pytest.raises(e.EligibilityInputError) as exc:
        e.hourly_from_commission(60_000, 500, 13)
    assert "months" in exc.value.errors


@pytest.mark.parametrize("args", [("abc", 160), (-240_000, 160), (240_000, 0)])
def test_section_7_bad_input(args):
    with pytest.raises(e.EligibilityInputError):
        e.hourly_from_monthly(*args)


def test_minimum_wage_page(client, db):
    response = client.post("/eligibility/minimum-wage/", {"kind": "monthly", "monthly_pay": "240000", "monthly_hours": "160"})
    assert response.context["result"] == Decimal("1500.00")
    response = client.post("/eligibility/minimum-wage/", {"kind": "daily", "daily_pay": "-1", "daily_hours": "8"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.context["result"] is None and "daily_pay" in response.context["errors"]


def test_minimum_wage_page_reads_figures_as_people_type_them(client, db):
    """Full-width digits and separators, and digit grouping, as typed in Japan; the result with separators."""
    for pay, hours in [("２２０，０００", "１６０"), ("220,000", "160"), ("２２００００", "１６０")]:
        response = client.post("/eligibility/minimum-wage/", {"kind": "monthly", "monthly_pay": pay, "monthly_hours": hours},
                               HTTP_ACCEPT_LANGUAGE="ja")
        assert response.context["result"] == Decimal("1375.00"), (pay, response.context["errors"])
        assert "1,375" in response.content.decode() and "1375.00" not in response.content.decode()
    response = client.post("/eligibility/minimum-wage/", {"kind": "annual", "annual_pay": "3,600,000", "working_days": "２４０",
                                                          "daily_hours": "7.5"})
    assert response.context["result"] == Decimal("2000.00")
    refused = client.post("/eligibility/minimum-wage/", {"kind": "monthly", "monthly_pay": "22,00,00", "monthly_hours": "160"})
    assert refused.context["result"] is None and "monthly_pay" in refused.context["errors"]


def test_api_errors_in_english_on_request(api_client, db):
    response = api_client.post("/api/v1/eligibility/jizokuka", {"industry": "commerce_service", "staff": [], "target_round": "x"},
                               format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"]["target_round"] == ["Enter a whole number."]
    response = api_client.post("/api/v1/eligibility/jizokuka", {"industry": "commerce_service", "staff": [], "target_round": "x"},
                               format="json", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.json()["errors"]["target_round"] == ["整数を入力してください。"]


@pytest.mark.parametrize(("body", "threshold", "small"), [
    ({"lines": [{"jsic": "75", "share": 60}, {"jsic": "76", "share": 40}], "staff": [{"role": "regular", "count": 20}]}, 20, True),
    ({"lines": [{"jsic": "58", "share": 50}, {"jsic": "75", "share": 50}], "staff": [{"role": "regular", "count": 6}]}, 20, True),
    ({"lines": [{"jsic": "58"}], "staff": [{"role": "regular", "count": 6}]}, 5, False),
    ({"lines": [{"jsic": "76"}], "industry": "manufacturing_other", "industry_reason": "弁当を製造販売",
      "staff": [{"role": "regular", "count": 6}]}, 20, True),
    ({"industry": "commerce_service", "regular_hours": {"daily_hours": 8, "monthly_days": 20},
      "staff": [{"role": "regular", "count": 5}, {"role": "part_time", "count": 2, "daily_hours": 6, "monthly_days": 15}]}, 5, True),
    ({"industry": "commerce_service", "regular_hours": {"daily_hours": 8, "monthly_days": 20},
      "staff": [{"role": "regular", "count": 5}, {"role": "part_time", "count": 2, "daily_hours": 6, "monthly_days": 16}]}, 5, False),
])
def test_seed_003_s1_s2_api_lines_correction_and_three_quarters(api_client, db, body, threshold, small):
    response = api_client.post("/api/v1/eligibility/jizokuka", {**body, "target_round": 11}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["threshold"], response.json()["is_small_business"]) == (threshold, small)


def test_seed_003_s1_api_correction_without_reason_is_refused(api_client, db):
    response = api_client.post("/api/v1/eligibility/jizokuka", {"lines": [{"jsic": "76"}], "industry": "manufacturing_other",
                                                                 "staff": [], "target_round": 11}, format="json")
    assert response.status_code == 400 and "industry_reason" in response.json()["errors"]
