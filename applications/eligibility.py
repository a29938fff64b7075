"""The 小規模事業者持続化補助金<一般型> self-check and the 事業場内最低賃金 calculator.

Every rule below cites the section of seed 003 (「令和元年度補正予算・令和3年度補正予算
小規模事業者持続化補助金<一般型> 参考資料」, 2022年10月) it comes from. The thresholds of
employees are the call's (api.md): at most 5 for commerce and services, 20 for
accommodation and entertainment, 20 for manufacturing and other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _

from core.input import InputRefused, parse_decimal

# §1 業種の考え方: three kinds of industry. Businesses hard to fit (建設業, 運送業…) or with
# several kinds are 「その他」 and use the manufacturing-and-other threshold.
THRESHOLDS = {
    "commerce_service": 5,  # 商業・サービス業(宿泊業・娯楽業除く)
    "accommodation_entertainment": 20,  # サービス業のうち宿泊業・娯楽業 (JSIC 中分類75, 80)
    "manufacturing_other": 20,  # 製造業その他
}

# §2 常時使用する従業員の範囲: who counts.
COUNTED_ROLES = {
    "officer": False,  # (a) 会社役員
    "officer_employee": True,  # (a) 従業員との兼務役員は含まれる
    "owner": False,  # (b) 個人事業主本人
    "family": False,  # (b) 同居の親族従業員
    "on_leave": False,  # (c) 育児・介護・傷病休業中または退職中の社員
    "day_labourer": False,  # (d-1) 日々雇い入れられる者
    "short_term": False,  # (d-1) 2か月以内の期間を定めて雇用される者
    "seasonal": False,  # (d-1) 季節的業務に4か月以内の期間を定めて雇用される者
    "retained_beyond_term": True,  # (d-1) ただし書: 所定の期間を超えて引き続き雇用されている者
    "part_time": False,  # (d-2) 所定労働時間が通常の従業員より短い者
    "regular": True,  # 上記以外の常時使用する従業員
}

# §3 再度申請が可能となる事業者: (adopted program, adopted round) → {target round: may
# apply}; None is the seed's 「今後改めてご案内します」.
TARGET_ROUNDS = (9, 10, 11)
REAPPLY: dict[tuple[str, int], dict[int, bool | None]] = {}
for _round in range(1, 6):  # 令和元年度補正 <一般型> 第1〜5回: ○○○
    REAPPLY[("r1_general", _round)] = {9: True, 10: True, 11: True}
REAPPLY[("r1_general", 6)] = {9: False, 10: True, 11: True}
REAPPLY[("r1_general", 7)] = {9: False, 10: False, 11: None}
for _round in range(8, 12):  # 第8〜11回: ×××
    REAPPLY[("r1_general", _round)] = {9: False, 10: False, 11: False}
for _round in range(1, 4):  # 令和2年度第3次補正 <低感染リスク型ビジネス枠> 第1〜3回: ○○○
    REAPPLY[("r2_low_infection", _round)] = {9: True, 10: True, 11: True}
REAPPLY[("r2_low_infection", 4)] = {9: False, 10: True, 11: True}
REAPPLY[("r2_low_infection", 5)] = {9: False, 10: False, 11: True}
REAPPLY[("r2_low_infection", 6)] = {9: False, 10: False, 11: None}
PROGRAM_ROUNDS = {"r1_general": range(1, 12), "r2_low_infection": range(1, 7)}
PROGRAM_NAMES = {"r1_general": "令和元年度補正予算 小規模事業者持続化補助金<一般型>",
                 "r2_low_infection": "令和2年度第3次補正予算 小規模事業者持続化補助金<低感染リスク型ビジネス枠>"}


class EligibilityInputError(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(str(errors))


@dataclass
class EligibilityResult:
    counted_employees: int
    threshold: int
    is_small_business: bool
    may_reapply: bool | None
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"counted_employees": self.counted_employees, "threshold": self.threshold,
                "is_small_business": self.is_small_business, "may_reapply": self.may_reapply, "reasons": self.reasons}


def _int(value, name: str, errors: dict, *, minimum: int = 0) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        errors.setdefault(name, []).append(_("Enter a whole number."))
        return None
    if value < minimum:
        errors.setdefault(name, []).append(_("Enter a number of %(minimum)s or more.") % {"minimum": minimum})
        return None
    return value


def parse_request(data) -> tuple[str, list[tuple[str, int]], list[tuple[str, int]], int]:
    """Validate the API's request body; EligibilityInputError names each bad field."""
    errors: dict[str, list[str]] = {}
    if not isinstance(data, dict):
        raise EligibilityInputError({"non_field_errors": [_("Send a JSON object.")]})
    industry = data.get("industry")
    if industry not in THRESHOLDS:
        errors["industry"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(THRESHOLDS)}]
    staff: list[tuple[str, int]] = []
    raw_staff = data.get("staff", [])
    if not isinstance(raw_staff, list):
        errors["staff"] = [_("Send a list of roles and counts.")]
    else:
        for i, item in enumerate(raw_staff):
            name = f"staff[{i}]"
            if not isinstance(item, dict):
                errors[name] = [_("Send a role and a count.")]
                continue
            role = item.get("role")
            if role not in COUNTED_ROLES:
                errors.setdefault(f"{name}.role", []).append(_("Choose one of: %(choices)s.") % {"choices": ", ".join(COUNTED_ROLES)})
            count = _int(item.get("count"), f"{name}.count", errors)
            if role in COUNTED_ROLES and count is not None:
                staff.append((role, count))
    previous: list[tuple[str, int]] = []
    raw_previous = data.get("previous_adoptions", [])
    if not isinstance(raw_previous, list):
        errors["previous_adoptions"] = [_("Send a list of earlier adoptions.")]
    else:
        for i, item in enumerate(raw_previous):
            name = f"previous_adoptions[{i}]"
            if not isinstance(item, dict):
                errors[name] = [_("Send a program and a round.")]
                continue
            program = item.get("program")
            if program not in PROGRAM_ROUNDS:
                errors.setdefault(f"{name}.program", []).append(_("Choose one of: %(choices)s.") % {"choices": ", ".join(PROGRAM_ROUNDS)})
            number = _int(item.get("round"), f"{name}.round", errors, minimum=1)
            if program in PROGRAM_ROUNDS and number is not None:
                if number not in PROGRAM_ROUNDS[program]:
                    errors.setdefault(f"{name}.round", []).append(
                        _("This program had rounds %(first)s to %(last)s.") % {"first": PROGRAM_ROUNDS[program][0], "last": PROGRAM_ROUNDS[program][-1]})
                else:
                    previous.append((program, number))
    target = data.get("target_round")
    target_round = _int(target, "target_round", errors, minimum=1)
    if target_round is not None and target_round not in TARGET_ROUNDS:
        errors.setdefault("target_round", []).append(_("The seed's table covers rounds 9, 10 and 11."))
    if errors:
        raise EligibilityInputError(errors)
    return industry, staff, previous, target_round


def count_employees(staff: list[tuple[str, int]]) -> int:
    """§2: only the roles that count as 常時使用する従業員."""
    return sum(count for role, count in staff if COUNTED_ROLES[role])


def may_reapply(previous: list[tuple[str, int]], target_round: int) -> tuple[bool | None, list[str]]:
    """§3: every earlier adoption must allow the target round; 「今後改めてご案内します」 → None."""
    reasons: list[str] = []
    verdict: bool | None = True
    for program, number in previous:
        cell = REAPPLY[(program, number)][target_round]
        context = {"program": PROGRAM_NAMES[program], "round": number, "target": target_round}
        if cell is False:
            verdict = False
            reasons.append(_("Adopted in %(program)s round %(round)s: you may not apply in round %(target)s (seed 003 §3).") % context)
        elif cell is None:
            if verdict is not False:
                verdict = None
            reasons.append(_("Adopted in %(program)s round %(round)s: whether you may apply in round %(target)s will be announced later (seed 003 §3).") % context)
        else:
            reasons.append(_("Adopted in %(program)s round %(round)s: you may apply in round %(target)s (seed 003 §3).") % context)
    return verdict, reasons


def check_jizokuka(data) -> EligibilityResult:
    industry, staff, previous, target_round = parse_request(data)
    threshold = THRESHOLDS[industry]  # §1 with the call's thresholds
    counted = count_employees(staff)  # §2
    small = counted <= threshold
    reasons = [
        _("%(counted)s employees count as regularly employed (seed 003 §2); the limit for this industry is %(threshold)s (seed 003 §1).")
        % {"counted": counted, "threshold": threshold}
    ]
    if not small:
        reasons.append(_("The business has more regularly employed staff than a small business may have."))
    verdict, reapply_reasons = may_reapply(previous, target_round)  # §3
    return EligibilityResult(counted, threshold, small, verdict, reasons + reapply_reasons)


# §7 「事業場内最低賃金」の算出方法: an hourly equivalent of each kind of pay. Only 基本給 and
# the allowances that count (役職手当・職務手当等) are included; 賞与, 時間外・休日・深夜手当,
# 通勤手当, 家族手当, 精皆勤手当 and 臨時の賃金 are not (the caller enters the counted pay).
CENTS = Decimal("0.01")


# Pay up to a trillion yen, hours and days to 2 decimal places: every quotient below fits
# the decimal context (1e30, NaN or Infinity never reach the arithmetic).
PAY_DIGITS, PAY_PLACES = 15, 2


def _decimal(value, name: str) -> Decimal:
    try:
        return parse_decimal(value, field=name, max_digits=PAY_DIGITS, decimal_places=PAY_PLACES)
    except InputRefused as exc:
        raise EligibilityInputError(exc.errors) from None


def _positive(value, name: str) -> Decimal:
    number = _decimal(value, name)
    if number <= 0:
        raise EligibilityInputError({name: [_("Enter a number greater than zero.")]})
    return number


def hourly_from_annual(annual_pay, working_days, daily_hours) -> Decimal:
    """①年俸制: 年俸総額 ÷ (所定労働日数 × 1日の所定労働時間数)."""
    hours = _positive(working_days, "working_days") * _positive(daily_hours, "daily_hours")
    return (_positive(annual_pay, "annual_pay") / hours).quantize(CENTS, rounding=ROUND_DOWN)


def hourly_from_monthly(monthly_pay, monthly_hours) -> Decimal:
    """②月給制: 月給 ÷ 1か月平均所定労働時間数."""
    return (_positive(monthly_pay, "monthly_pay") / _positive(monthly_hours, "monthly_hours")).quantize(CENTS, rounding=ROUND_DOWN)


def hourly_from_daily(daily_pay, daily_hours) -> Decimal:
    """③日給制: 日給 ÷ 1日の所定労働時間数."""
    return (_positive(daily_pay, "daily_pay") / _positive(daily_hours, "daily_hours")).quantize(CENTS, rounding=ROUND_DOWN)


def hourly_from_commission(commission_total, hours_worked, months, fixed_hourly=0) -> Decimal:
    """④歩合給: 1年間(12か月分, 雇入れ後1年未満なら雇用期間)の歩合給 ÷ その期間の労働時間,
    固定給との併用なら固定給の時間換算額に合算."""
    months_value = _positive(months, "months")
    if months_value > 12:
        raise EligibilityInputError({"months": [_("Use at most the last 12 months.")]})
    rate = _positive(commission_total, "commission_total") / _positive(hours_worked, "hours_worked")
    fixed = _decimal(fixed_hourly or 0, "fixed_hourly")
    if fixed < 0:
        raise EligibilityInputError({"fixed_hourly": [_("Enter a number of zero or more.")]})
    return (rate + fixed).quantize(CENTS, rounding=ROUND_DOWN)
