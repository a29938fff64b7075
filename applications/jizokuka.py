"""Rules of the 小規模事業者持続化補助金<一般型> application form, each citing seed 003.

Expense categories, the cap and the subsidy rate come from the call (公募要領「5. 補助対象経費」,
to which seed 003 §5 and §6 refer); the rest is the seed's own text.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# 公募要領「5. 補助対象経費」: the categories of eligible expenses.
EXPENSE_CATEGORIES = [
    ("machinery", _("Machinery and equipment")),  # ①機械装置等費
    ("advertising", _("Advertising")),  # ②広報費
    ("website", pgettext_lazy("expense category", "Website")),  # ③ウェブサイト関連費
    ("exhibition", _("Exhibitions and trade fairs")),  # ④展示会等出展費
    ("travel", _("Travel")),  # ⑤旅費
    ("development", _("Development")),  # ⑥開発費
    ("materials", _("Books and materials")),  # ⑦資料購入費
    ("services", _("Miscellaneous services")),  # ⑧雑役務費
    ("rental", _("Rental")),  # ⑨借料
    ("disposal", _("Equipment disposal")),  # ⑩設備処分費
    ("outsourcing", _("Outsourcing")),  # ⑪委託・外注費
]
# The rate, the cap, the lodging table, the consumption-tax choice and the age rule are in
# applications.rules (frames and the lodging table are data there).


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
