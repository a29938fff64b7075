"""applications.rules, table by table, at the edges (exactly at a limit, one over). Each test
name carries the section of seed 003 it checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation

from applications import rules
from applications.models import Frame, MinimumWage, SubsidyRound, TravelArea, TravelCity
from applications.rules import Hours, IndustryLine


# --- §1 業種の考え方 ---------------------------------------------------------------------------
@pytest.mark.parametrize(("jsic", "group"), [
    ("75", rules.ACCOMMODATION_ENTERTAINMENT),  # 宿泊業
    ("80", rules.ACCOMMODATION_ENTERTAINMENT),  # 娯楽業
    ("76", rules.COMMERCE_SERVICE),  # 飲食店
    ("58", rules.COMMERCE_SERVICE),  # 飲食料品小売業
    ("50", rules.COMMERCE_SERVICE),  # 卸売業
    ("09", rules.MANUFACTURING_OTHER),  # 製造業
    ("24", rules.MANUFACTURING_OTHER),
    ("06", rules.MANUFACTURING_OTHER),  # 建設業
    ("44", rules.MANUFACTURING_OTHER),  # 運輸業 (道路貨物運送業)
    ("39", rules.MANUFACTURING_OTHER),  # 情報サービス業: software is 製造業その他 in §1
    ("01", rules.MANUFACTURING_OTHER),  # 農業: own produce is 製造業その他
    ("", rules.MANUFACTURING_OTHER),
    ("xx", rules.MANUFACTURING_OTHER),
])
def test_seed_003_s1_industry_group_of_jsic(jsic, group):
    assert rules.industry_group_of_jsic(jsic) == group


@pytest.mark.parametrize(("lines", "group", "main"), [
    ([IndustryLine("58", 60), IndustryLine("09", 40)], rules.COMMERCE_SERVICE, "58"),  # main line decides
    ([IndustryLine("09", 60), IndustryLine("58", 40)], rules.MANUFACTURING_OTHER, "09"),
    ([IndustryLine("75", 51), IndustryLine("76", 49)], rules.ACCOMMODATION_ENTERTAINMENT, "75"),
    ([IndustryLine("58", 50), IndustryLine("75", 50)], rules.MANUFACTURING_OTHER, "58"),  # hard to judge → その他
    ([IndustryLine("58", 50), IndustryLine("60", 50)], rules.COMMERCE_SERVICE, "58"),  # a tie inside one group
])
def test_seed_003_s1_several_lines_by_main_line(lines, group, main):
    decision = rules.industry_group(lines)
    assert (decision.group, decision.main_jsic) == (group, main)
    assert decision.reasons


def test_seed_003_s1_correction_needs_a_reason():
    decision = rules.industry_group([IndustryLine("76")])  # 飲食店 → 商業・サービス業
    same, errors = rules.apply_industry_correction(decision, rules.MANUFACTURING_OTHER, "")
    assert same.group == rules.COMMERCE_SERVICE and "industry_group_reason" in errors
    corrected, errors = rules.apply_industry_correction(decision, rules.MANUFACTURING_OTHER, "弁当を製造して販売している")
    assert errors == {} and corrected.group == rules.MANUFACTURING_OTHER and corrected.corrected and corrected.limit == 20
    unchanged, errors = rules.apply_industry_correction(decision, rules.COMMERCE_SERVICE, "")
    assert errors == {} and not unchanged.corrected


# --- §1 × §2: the small-business limit --------------------------------------------------------
@pytest.mark.parametrize(("group", "employees", "ok"), [
    (rules.COMMERCE_SERVICE, 5, True), (rules.COMMERCE_SERVICE, 6, False),
    (rules.ACCOMMODATION_ENTERTAINMENT, 20, True), (rules.ACCOMMODATION_ENTERTAINMENT, 21, False),
    (rules.MANUFACTURING_OTHER, 20, True), (rules.MANUFACTURING_OTHER, 21, False),
    (rules.COMMERCE_SERVICE, 0, True),
])
def test_seed_003_s1_s2_small_business_limit_edges(group, employees, ok):
    check = rules.small_business_check(group, employees)
    assert check.ok is ok and check.count == employees and check.limit == rules.EMPLOYEE_LIMITS[group]
    if not ok:
        assert str(check.limit) in check.message and str(employees) in check.message


# --- §2 (d-2): the 3/4 test -------------------------------------------------------------------
REGULAR = Hours(daily_hours=Decimal(8), weekly_hours=Decimal(40), monthly_days=Decimal(20))


@pytest.mark.parametrize(("person", "part_timer"), [
    (Hours(daily_hours=Decimal(6), monthly_days=Decimal(15)), True),  # exactly 3/4 of both: 以下
    (Hours(daily_hours=Decimal("6.01"), monthly_days=Decimal(15)), False),  # hours over 3/4
    (Hours(daily_hours=Decimal(6), monthly_days=Decimal(16)), False),  # days over 3/4
    (Hours(weekly_hours=Decimal(30), monthly_days=Decimal(15)), True),  # the weekly form
    (Hours(weekly_hours=Decimal(31), monthly_days=Decimal(15)), False),
    (Hours(daily_hours=Decimal(8), weekly_hours=Decimal(30), monthly_days=Decimal(15)), True),  # either hours test
    (Hours(daily_hours=Decimal(4)), False),  # days not given: the test cannot hold
])
def test_seed_003_s2_d2_part_timer_three_quarters(person, part_timer):
    assert rules.is_part_timer(person, REGULAR) is part_timer


# --- Frames (枠) as data ---------------------------------------------------------------------
@pytest.mark.django_db
def test_frames_of_rounds_9_to_11_are_data_with_rate_and_cap():
    round10 = SubsidyRound.objects.get(program="jizokuka_general", number=10)
    frames = {f.kind: f for f in rules.frames_of_round(round10)}
    assert set(frames) == {"normal", "wage_increase", "graduation", "successor", "startup"}
    assert rules.frame_terms(frames["normal"]) == rules.FrameTerms(Fraction(2, 3), 500_000)
    assert rules.frame_terms(frames["wage_increase"], deficit=True).rate == Fraction(3, 4)
    assert rules.frame_terms(frames["startup"]).cap == 2_000_000
    # Agency staff change the call's figure: the rule follows the row.
    Frame.objects.filter(pk=frames["normal"].pk).update(cap=600_000, invoice_special_addition=500_000)
    normal = Frame.objects.get(pk=frames["normal"].pk)
    assert rules.frame_terms(normal).cap == 600_000 and rules.frame_terms(normal, invoice_special=True).cap == 1_100_000
    assert rules.frame_terms(normal).amount(900_000) == 600_000 and rules.frame_terms(normal).amount(899_999) == 599_999


@pytest.mark.django_db
@pytest.mark.parametrize(("opened_on", "ok"), [
    (dt.date(2019, 12, 2), True), (dt.date(2019, 12, 1), False),
    (dt.date(2022, 12, 2), True), (dt.date(2022, 12, 3), False),  # round 10's window ends 2022-12-02, not its deadline 12-09
])
def test_seed_003_s11_startup_window_of_round_10(opened_on, ok):
    startup = Frame.objects.get(subsidy_round__number=10, subsidy_round__program="jizokuka_general", kind="startup")
    with translation.override("ja"):  # the UI's default language, whatever an earlier test left active
        errors = rules.frame_condition_errors(startup, rules.FrameAnswers(opened_on=opened_on, specific_startup_support=True))
        assert ("opened_on" not in errors) is ok
        if not ok:
            assert "2022年12月2日" in str(errors["opened_on"][0])  # the date as Japanese forms write it


@pytest.mark.django_db
def test_seed_003_s9_successor_frame_needs_an_atotsugi_finalist():
    successor = Frame.objects.get(subsidy_round__number=9, subsidy_round__program="jizokuka_general", kind="successor")
    assert "successor_finalist" in rules.frame_condition_errors(successor, rules.FrameAnswers())
    assert rules.frame_condition_errors(successor, rules.FrameAnswers(successor_finalist=True)) == {}


@pytest.mark.django_db
def test_invoice_special_applies_only_where_the_frame_has_it():
    normal = Frame.objects.get(subsidy_round__number=11, subsidy_round__program="jizokuka_general", kind="normal")
    assert "invoice_special" in rules.frame_condition_errors(normal, rules.FrameAnswers(invoice_special=True, was_tax_exempt=True))
    normal.invoice_special_addition = 500_000
    assert "invoice_special" in rules.frame_condition_errors(normal, rules.FrameAnswers(invoice_special=True))  # was not exempt
    assert rules.frame_condition_errors(normal, rules.FrameAnswers(invoice_special=True, was_tax_exempt=True)) == {}


# --- §12 消費税等仕入控除税額 --------------------------------------------------------------------
@pytest.mark.parametrize(("status", "joint", "allowed"), [
    ("not_taxpayer", False, True), ("exempt", False, True), ("simplified", False, True), ("taxable", False, False),
    ("", False, False), ("not_taxpayer", True, False), ("exempt", True, False), ("simplified", True, False),
])
def test_seed_003_s12_tax_included(status, joint, allowed):
    assert rules.tax_included_allowed(status, joint=joint) is allowed
    assert (rules.tax_mode_errors("included", status, joint=joint) == {}) is allowed
    assert rules.tax_mode_errors("excluded", status, joint=joint) == {}


# --- §10 旅費 -------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(("place", "per_night", "tax_mode", "ok"), [
    ("city:abidjan", 19_300, "excluded", True), ("city:abidjan", 19_301, "excluded", False),  # アビジャン: 指定都市
    ("foreign_hei", 11_600, "excluded", True), ("foreign_hei", 11_601, "excluded", False),
    ("city:abidjan", 21_230, "included", True), ("city:abidjan", 21_231, "included", False),  # + 10 % tax
    ("city:tokyo-23", 10_900, "excluded", True), ("city:tokyo-23", 10_901, "excluded", False),
    ("domestic_otsu", 9_800, "excluded", True), ("domestic_otsu", 9_801, "excluded", False),
])
def test_seed_003_s10_lodging_caps(place, per_night, tax_mode, ok):
    line = {"category": "travel", "travel_item": "lodging", "region": place, "nights": 1, "lodging_per_night": per_night}
    assert (rules.travel_line_errors(line, tax_mode) == {}) is ok


@pytest.mark.django_db
def test_seed_003_s10_abidjan_is_a_designated_city_and_per_diem_is_refused():
    assert TravelCity.objects.get(code="abidjan").area.cap_per_night == 19_300
    assert any(code == "city:abidjan" and cap == 19_300 for code, _label, cap in rules.lodging_places())
    errors = rules.travel_line_errors({"category": "travel", "travel_item": "per_diem", "amount": 3000}, "excluded")
    assert "travel_item" in errors and "日当" in errors["travel_item"][0]
    assert rules.travel_line_errors({"category": "travel", "travel_item": "transport", "amount": 3000}, "excluded") == {}
    # The table is data: staff change a cap, the rule follows.
    TravelArea.objects.filter(code="foreign_designated").update(cap_per_night=20_000)
    assert rules.lodging_cap("city:abidjan", "excluded") == 20_000


# --- §5 不動産の取得 --------------------------------------------------------------------------------
@pytest.mark.parametrize(("outer", "fixed", "usable", "refused"), [
    (True, True, True, True),
    (False, True, True, False),  # a terrace with a roof on posts: no walls
    (True, False, True, False),  # a shed set on blocks
    (True, True, False, False),
    (False, False, False, False),
])
def test_seed_003_s5_three_tests_of_real_estate(outer, fixed, usable, refused):
    line = {"building_work": True, "outer_closure": outer, "land_fixed": fixed, "usable_space": usable}
    assert rules.is_real_estate_acquisition(line) is refused
    assert ("building_work" in rules.building_line_errors(line)) is refused
    assert rules.building_line_errors({**line, "building_work": False}) == {}


# --- Age: 年齢計算ニ関スル法律 -----------------------------------------------------------------------
@pytest.mark.parametrize(("birth", "on", "age"), [
    (dt.date(1962, 1, 1), dt.date(2021, 12, 31), 60),  # reaches 60 at the end of 31 December
    (dt.date(1962, 1, 2), dt.date(2021, 12, 31), 59),
    (dt.date(1962, 1, 2), dt.date(2022, 1, 1), 60),
    (dt.date(1960, 2, 29), dt.date(2021, 2, 28), 61),  # born 29 February: the end of 28 February
    (dt.date(1960, 2, 29), dt.date(2021, 2, 27), 60),
])
def test_seed_003_s11_age_by_the_age_calculation_act(birth, on, age):
    assert rules.age_on(birth, on) == age


def test_seed_003_s11_succession_bonus_born_1962_01_01_in_round_9():
    assert rules.succession_bonus_ok(dt.date(1962, 1, 1), dt.date(2021, 12, 31))
    assert not rules.succession_bonus_ok(dt.date(1962, 1, 2), dt.date(2021, 12, 31))


# --- §7 事業場内最低賃金 ------------------------------------------------------------------------------
def test_seed_003_s7_excluded_pay_does_not_count():
    base = rules.hourly_wage("monthly", {"base": 160_000}, monthly_hours=160)
    assert base == Decimal("1000.00")
    with_everything = rules.hourly_wage("monthly", {
        "base": 160_000, "allowances": 16_000, "bonus": 100_000, "overtime": 30_000, "commuting": 10_000, "family": 5_000,
        "attendance": 3_000, "extraordinary": 50_000}, monthly_hours=160)
    assert with_everything == Decimal("1100.00")  # base + position/duty allowances only
    assert rules.hourly_wage("daily", {"base": 8_000}, daily_hours=8) == Decimal("1000.00")
    assert rules.hourly_wage("annual", {"base": 2_000_000}, working_days=250, daily_hours=8) == Decimal("1000.00")
    assert rules.hourly_from_commission(120_000, 1_200, 12, fixed_hourly=900) == Decimal("1000.00")


def test_seed_003_s7_workplace_figure_is_the_lowest_paid():
    assert rules.workplace_minimum([Decimal("1200"), Decimal("980.50"), Decimal("1100")]) == Decimal("980.50")
    assert rules.workplace_minimum([]) is None


@pytest.mark.django_db
@pytest.mark.parametrize(("workplace", "ok"), [(Decimal("1072"), True), (Decimal("1071.99"), False)])
def test_seed_003_s7_compared_with_the_regional_minimum_of_the_year(workplace, ok):
    # 東京都 令和4年度: 1,072 yen (in force from October 2022); 令和3年度 1,041 before that.
    comparison = rules.compare_with_regional(workplace, "13", dt.date(2022, 12, 1))
    assert comparison.ok is ok and comparison.regional == 1072 and comparison.fiscal_year == 2022
    assert rules.compare_with_regional(Decimal("1041"), "13", dt.date(2022, 9, 1)).ok  # the 2021 figure still in force


@pytest.mark.django_db
def test_seed_003_s7_regional_minimum_is_data():
    MinimumWage.objects.create(prefecture="13", fiscal_year=2026, hourly=1300, effective_on=dt.date(2026, 10, 1))
    assert not rules.compare_with_regional(Decimal("1299"), "13", dt.date(2026, 11, 1)).ok
    assert rules.compare_with_regional(Decimal("1300"), "13", dt.date(2026, 11, 1)).ok
    missing = rules.compare_with_regional(Decimal("2000"), "13", dt.date(2000, 1, 1))
    assert not missing.ok and missing.regional is None


@pytest.mark.django_db
@pytest.mark.parametrize(("lowest", "planned", "ok"), [
    (1072, 1102, True), (1072, 1101, False),  # +30 yen over the regional minimum (1,072)
    (1200, 1230, True), (1200, 1229, False),  # already above it: +30 from where it is
    (1071, 1200, False),  # below the regional minimum now
])
def test_seed_003_s7_wage_increase_frame(lowest, planned, ok):
    frame = Frame.objects.get(subsidy_round__number=10, subsidy_round__program="jizokuka_general", kind="wage_increase")
    answers = rules.FrameAnswers(lowest_wage_hourly=lowest, planned_wage_hourly=planned, prefecture="13", on=dt.date(2022, 12, 1))
    assert (rules.wage_increase_errors(frame, answers) == {}) is ok


def test_seed_003_s8_wage_ledger_and_worker_register_items():
    all_items = {"wage_ledger_items": [c for c, _l in rules.WAGE_LEDGER_ITEMS],
                 "worker_register_items": [c for c, _l in rules.WORKER_REGISTER_ITEMS]}
    assert len(all_items["wage_ledger_items"]) == 10 and len(all_items["worker_register_items"]) == 7
    assert rules.wage_record_errors(all_items) == {}
    one_short = {**all_items, "wage_ledger_items": all_items["wage_ledger_items"][:-1]}
    assert set(rules.wage_record_errors(one_short)) == {"wage_ledger_items"}


# --- ※5 付加価値額 -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("gross", "depreciation", "value"), [(30_000_000, 1_000_000, 31_000_000), (None, 1, None), (1, None, None),
                                                              (-500, 200, -300)])
def test_seed_003_s17_note5_value_added_is_gross_profit_plus_depreciation(gross, depreciation, value):
    assert rules.value_added(gross, depreciation) == value


@pytest.mark.django_db
def test_agency_staff_edit_the_frames_in_the_admin(client):
    from tests.factories import agency_staff, mfa_login

    staff = agency_staff()
    staff.is_superuser = True
    staff.save()
    mfa_login(client, staff)
    frame = Frame.objects.get(subsidy_round__number=10, subsidy_round__program="jizokuka_general", kind="startup")
    listing = client.get("/agency-admin/applications/frame/", HTTP_ACCEPT_LANGUAGE="ja")
    assert listing.status_code == 200 and "創業枠" in listing.content.decode()
    page = client.get(f"/agency-admin/applications/frame/{frame.pk}/change/", HTTP_ACCEPT_LANGUAGE="ja")
    assert page.status_code == 200 and "2022-12-02" in page.content.decode()
    for path in ("/agency-admin/applications/minimumwage/", "/agency-admin/applications/travelarea/"):
        assert client.get(path).status_code == 200
