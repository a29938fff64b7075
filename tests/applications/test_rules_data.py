"""The rules' data checked against their sources (issue 13, point 5).

- Seed 003 gives no amount of a 地域別最低賃金 (§7 gives only how a workplace's figure is
  computed, §8 the records) and no rate or cap of a frame; it gives 創業枠's window (§11's
  table: 「公募締切時から起算して過去3か年」) and 後継者支援枠's condition (§9 アトツギ甲子園).
- The minimum-wage amounts shipped (令和3年度 = FY2021, 令和4年度 = FY2022) are 厚生労働省's
  地域別最低賃金 table, transcribed here a second time by prefecture name, so a wrong digit in
  the data migration (applications/migrations/0007_rules_data.py) fails.
- The frames' rates and caps are those of the call (公募要領) of 令和3年度補正 rounds 9-11.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from applications import rules
from applications.models import Frame, MinimumWage, SubsidyRound
from companies.reference import PREFECTURES

pytestmark = pytest.mark.django_db

# 厚生労働省 地域別最低賃金全国一覧 (yen an hour): 令和3年度 / 令和4年度.
OFFICIAL = {
    "北海道": (889, 920), "青森県": (822, 853), "岩手県": (821, 854), "宮城県": (853, 883), "秋田県": (822, 853),
    "山形県": (822, 854), "福島県": (828, 858), "茨城県": (879, 911), "栃木県": (882, 913), "群馬県": (865, 895),
    "埼玉県": (956, 987), "千葉県": (953, 984), "東京都": (1041, 1072), "神奈川県": (1040, 1071), "新潟県": (859, 890),
    "富山県": (877, 908), "石川県": (861, 891), "福井県": (858, 888), "山梨県": (866, 898), "長野県": (877, 908),
    "岐阜県": (880, 910), "静岡県": (913, 944), "愛知県": (955, 986), "三重県": (902, 933), "滋賀県": (896, 927),
    "京都府": (937, 968), "大阪府": (992, 1023), "兵庫県": (928, 960), "奈良県": (866, 896), "和歌山県": (859, 889),
    "鳥取県": (821, 854), "島根県": (824, 857), "岡山県": (862, 892), "広島県": (899, 930), "山口県": (857, 888),
    "徳島県": (824, 855), "香川県": (848, 878), "愛媛県": (821, 853), "高知県": (820, 853), "福岡県": (870, 900),
    "佐賀県": (821, 853), "長崎県": (821, 853), "熊本県": (821, 853), "大分県": (822, 854), "宮崎県": (821, 853),
    "鹿児島県": (821, 853), "沖縄県": (820, 853),
}


def test_seed_003_s7_minimum_wage_data_is_the_official_table_for_each_fiscal_year_shipped():
    by_name = {name: code for code, name in PREFECTURES.items()}
    assert len(OFFICIAL) == 47 and set(OFFICIAL) == set(by_name)
    shipped = {(w.prefecture, w.fiscal_year): w.hourly for w in MinimumWage.objects.all()}
    assert {year for _prefecture, year in shipped} >= {2021, 2022}
    wrong = [f"{name} {year}: {shipped.get((by_name[name], year))} (official {amount})"
             for name, amounts in OFFICIAL.items() for year, amount in zip((2021, 2022), amounts, strict=True)
             if shipped.get((by_name[name], year)) != amount]
    assert not wrong, wrong


@pytest.mark.parametrize(("prefecture", "on", "hourly", "year"), [
    ("13", dt.date(2022, 9, 30), 1041, 2021),  # the day before FY2022's figure is in force
    ("13", dt.date(2022, 10, 1), 1072, 2022),  # in force from 1 October
    ("47", dt.date(2023, 2, 28), 853, 2022),  # round 11's deadline
])
def test_seed_003_s7_the_figure_in_force_on_the_day(prefecture, on, hourly, year):
    row = rules.regional_minimum_wage(prefecture, on)
    assert (row.hourly, row.fiscal_year) == (hourly, year)


@pytest.mark.parametrize(("wage", "ok"), [(1072, True), (1071, False)])
def test_seed_003_s7_workplace_at_the_regional_minimum_is_enough_one_yen_under_is_not(wage, ok):
    from decimal import Decimal

    assert rules.compare_with_regional(Decimal(wage), "13", dt.date(2022, 12, 1)).ok is ok


CALL_FRAMES = {  # 公募要領 令和3年度補正 rounds 9-11 (the seed gives no rate or cap)
    "normal": (Fraction(2, 3), 500_000), "wage_increase": (Fraction(2, 3), 2_000_000),
    "graduation": (Fraction(2, 3), 2_000_000), "successor": (Fraction(2, 3), 2_000_000), "startup": (Fraction(2, 3), 2_000_000),
}
SEED_S11_STARTUP_WINDOWS = {9: (dt.date(2019, 9, 20), dt.date(2022, 9, 20)), 10: (dt.date(2019, 12, 2), dt.date(2022, 12, 2)),
                            11: (dt.date(2020, 2, 28), dt.date(2023, 2, 28))}


@pytest.mark.parametrize("number", [9, 10, 11])
def test_seed_003_s9_s11_frames_of_rounds_9_to_11(number):
    subsidy_round = SubsidyRound.objects.filter(program="jizokuka_general", number=number).first()
    if subsidy_round is None:
        pytest.skip("rounds 9-11 are created by the data migrations only where the round rows exist")
    frames = {f.kind: f for f in Frame.objects.filter(subsidy_round=subsidy_round)}
    assert set(frames) == set(CALL_FRAMES)
    for kind, (rate, cap) in CALL_FRAMES.items():
        terms = rules.frame_terms(frames[kind])
        assert (terms.rate, terms.cap) == (rate, cap), kind
    assert rules.frame_terms(frames["wage_increase"], deficit=True).rate == Fraction(3, 4)
    assert frames["wage_increase"].wage_increase_yen == 30 and frames["wage_increase"].requires_wage_records
    assert frames["successor"].requires_successor_finalist  # §9 アトツギ甲子園
    start = frames["startup"]
    assert (start.startup_window_start, start.startup_window_end) == SEED_S11_STARTUP_WINDOWS[number]  # §11
