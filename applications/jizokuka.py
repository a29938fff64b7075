"""Rules of the 小規模事業者持続化補助金<一般型> application form, each citing seed 003.

Expense categories, the cap and the subsidy rate come from the call (公募要領「5. 補助対象経費」,
to which seed 003 §5 and §6 refer); the rest is the seed's own text.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

# 公募要領「5. 補助対象経費」: the categories of eligible expenses.
EXPENSE_CATEGORIES = [
    ("machinery", _("Machinery and equipment")),  # ①機械装置等費
    ("advertising", _("Advertising")),  # ②広報費
    ("website", _("Website")),  # ③ウェブサイト関連費
    ("exhibition", _("Exhibitions and trade fairs")),  # ④展示会等出展費
    ("travel", _("Travel")),  # ⑤旅費
    ("development", _("Development")),  # ⑥開発費
    ("materials", _("Books and materials")),  # ⑦資料購入費
    ("services", _("Miscellaneous services")),  # ⑧雑役務費
    ("rental", _("Rental")),  # ⑨借料
    ("disposal", _("Equipment disposal")),  # ⑩設備処分費
    ("outsourcing", _("Outsourcing")),  # ⑪委託・外注費
]
SUBSIDY_RATE = Decimal(2) / Decimal(3)  # 補助率 2/3
SUBSIDY_CAP = 500_000  # 通常枠の補助上限額 50万円

# §10 旅費の支給基準: lodging caps per night, tax excluded (消費税・地方消費税抜の額).
# A business that books its expenses tax-included adds the consumption tax to the cap.
LODGING_REGIONS = [
    ("domestic_kou", _("Japan: Kou area (Tokyo wards, Saitama, Chiba, Yokohama, Kawasaki, Sagamihara, Nagoya, Kyoto, Osaka, Sakai, Kobe, Hiroshima, Fukuoka)"), 10_900),
    ("domestic_otsu", _("Japan: Otsu area (everywhere else)"), 9_800),
    ("foreign_designated", _("Abroad: designated cities (Los Angeles, New York, San Francisco, Washington D.C., Geneva, London, Paris, Moscow, Abu Dhabi, Jeddah, Kuwait, Riyadh, Singapore…)"), 19_300),
    ("foreign_kou", _("Abroad: Kou (North America, Western Europe, Middle East)"), 16_100),
    ("foreign_otsu", _("Abroad: Otsu (South-East Asia, Korea, Hong Kong, Eastern Europe, Oceania…)"), 12_900),
    ("foreign_hei", _("Abroad: Hei (South-West Asia, China, Taiwan, Latin America, Africa, Antarctica)"), 11_600),
]
LODGING_CAPS = {code: cap for code, _label, cap in LODGING_REGIONS}
CONSUMPTION_TAX_RATE = Decimal("0.10")


def lodging_cap(region: str, tax_mode: str) -> int:
    """§10: the per-night cap; plus consumption tax for a tax-included applicant."""
    cap = LODGING_CAPS[region]
    if tax_mode == "included":
        return int(Decimal(cap) * (1 + CONSUMPTION_TAX_RATE))
    return cap


# §12 消費税等仕入控除税額: a taxable business books expenses tax-excluded; one that is not a
# taxpayer, exempt or on simplified taxation may book them tax-included; a joint
# application is always tax-excluded.
TAX_INCLUDED_ALLOWED = {"exempt", "simplified", "not_taxpayer"}


def tax_included_allowed(consumption_tax_status: str | None, *, joint: bool) -> bool:
    return not joint and (consumption_tax_status or "") in TAX_INCLUDED_ALLOWED


# 事業承継加点 (公募要領): the representative is 60 or older on the round's reference date
# (seed 003 §11 gives the date per round) and a successor candidate leads the project.
SUCCESSION_BONUS_AGE = 60


def age_on(birth_date: dt.date, on: dt.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def succession_bonus_ok(birth_date: dt.date | None, reference_date: dt.date) -> bool:
    return birth_date is not None and age_on(birth_date, reference_date) >= SUCCESSION_BONUS_AGE


def keieiryoku_bonus_ok(certified_on: dt.date | None, certified_by: dt.date | None) -> bool:
    """§11: the 経営力向上計画 must be certified on or before the round's limit."""
    return certified_on is not None and certified_by is not None and certified_on <= certified_by


# §4 反社会的勢力排除に関する誓約事項 (shown in full on the form; must be given).
PLEDGE_TEXT = (
    "当社（個人である場合は私、団体である場合は当団体）は、補助金の交付の申請をするにあたって、また、補助事業の実施期間内"
    "および完了後においては、下記のいずれにも該当しないことを誓約いたします。この誓約が虚偽であり、またはこの誓約に反した"
    "ことにより、当方が不利益を被ることとなっても、異議は一切申し立てません。"
)
PLEDGE_ITEMS = [
    "(1)暴力団", "(2)暴力団員", "(3)暴力団準構成員", "(4)暴力団関係企業", "(5)総会屋等", "(6)社会運動等標ぼうゴロ",
    "(7)特殊知能暴力集団等", "(8)前各号に掲げる者と、経営の支配・実質的関与・不正な利用・資金等の提供または便宜の供与・社会的に非難されるべき関係のいずれかにある者",
]
