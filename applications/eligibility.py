"""The 小規模事業者持続化補助金<一般型> self-check and the 事業場内最低賃金 calculator.

Every rule below cites the section of seed 003 (「令和元年度補正予算・令和3年度補正予算
小規模事業者持続化補助金<一般型> 参考資料」, 2022年10月) it comes from. The thresholds of
employees are the call's (api.md): at most 5 for commerce and services, 20 for
accommodation and entertainment, 20 for manufacturing and other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TypeGuard

from django.utils.translation import gettext as _

from . import rules

# §1 業種の考え方 and §2 常時使用する従業員の範囲 live in the rule module (applications.rules),
# shared with the submission and the recommendations.
THRESHOLDS = rules.EMPLOYEE_LIMITS
COUNTED_ROLES = rules.COUNTED_ROLES
HOURS_FIELDS = ("daily_hours", "weekly_hours", "monthly_days")

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


EligibilityInputError = rules.RuleInputError


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


def _is_choice(value: object, choices: Iterable[str]) -> TypeGuard[str]:
    """A JSON value is one of the choices only if it is a string (a list or an object is
    unhashable and never a choice)."""
    return isinstance(value, str) and value in choices


def _hours(value, name: str, errors: dict) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        errors.setdefault(name, []).append(_("Enter a number."))
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors.setdefault(name, []).append(_("Enter a number."))
        return None
    if not number.is_finite() or number <= 0 or number > 744:
        errors.setdefault(name, []).append(_("Enter a number greater than zero and at most 744."))
        return None
    return number


def _hours_of(item: dict, name: str, errors: dict) -> rules.Hours:
    return rules.Hours(*(_hours(item.get(f), f"{name}.{f}", errors) for f in HOURS_FIELDS))


@dataclass
class Request:
    industry: rules.IndustryDecision
    staff: list[tuple[str, int]]
    previous: list[tuple[str, int]]
    target_round: int
    part_time_notes: list[str] = field(default_factory=list)


def _industry(data: dict, errors: dict) -> rules.IndustryDecision | None:
    """§1: the group given, or derived from the business's lines (`lines`: [{jsic, share}]);
    a group that differs from the lines' needs `industry_reason`."""
    industry = data.get("industry")
    raw_lines = data.get("lines")
    decision = None
    if raw_lines is not None:
        if not isinstance(raw_lines, list) or not raw_lines:
            errors["lines"] = [_("Send a list of industry lines.")]
        else:
            lines = []
            for i, item in enumerate(raw_lines):
                name = f"lines[{i}]"
                jsic = item.get("jsic") if isinstance(item, dict) else None
                if not isinstance(jsic, str) or jsic not in rules.JSIC_MIDDLE:
                    errors.setdefault(f"{name}.jsic", []).append(_("Enter a JSIC middle-class code such as 58."))
                    continue
                share = _int(item.get("share", 100), f"{name}.share", errors)
                if share is not None and share > 100:
                    errors.setdefault(f"{name}.share", []).append(_("Enter a share of at most 100."))
                elif share is not None:
                    lines.append(rules.IndustryLine(jsic, share))
            if lines and not any(k.startswith("lines") for k in errors):
                decision = rules.industry_group(lines)
    if industry is None and decision is not None:
        return decision
    if not _is_choice(industry, THRESHOLDS):
        errors["industry"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(THRESHOLDS)}]
        return None
    if decision is None:
        return rules.IndustryDecision(industry, "", [], derived_group=industry)
    corrected, correction_errors = rules.apply_industry_correction(decision, industry, data.get("industry_reason"))
    for key, messages in correction_errors.items():
        errors[{"industry_group_reason": "industry_reason", "industry_group": "industry"}.get(key, key)] = messages
    return corrected


def parse_request(data) -> Request:
    """Validate the API's request body; EligibilityInputError names each bad field."""
    errors: dict[str, list[str]] = {}
    if not isinstance(data, dict):
        raise EligibilityInputError({"non_field_errors": [_("Send a JSON object.")]})
    industry = _industry(data, errors)
    regular = _hours_of(data.get("regular_hours") or {}, "regular_hours", errors) if isinstance(data.get("regular_hours") or {}, dict) else None
    if regular is None:
        errors["regular_hours"] = [_("Send the regular employee's hours as an object.")]
    staff: list[tuple[str, int]] = []
    notes: list[str] = []
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
            if not _is_choice(role, COUNTED_ROLES):
                errors.setdefault(f"{name}.role", []).append(_("Choose one of: %(choices)s.") % {"choices": ", ".join(COUNTED_ROLES)})
            count = _int(item.get("count"), f"{name}.count", errors)
            hours = _hours_of(item, name, errors)
            if role == "part_time" and any(getattr(hours, f) is not None for f in HOURS_FIELDS) and regular is not None:
                # §2 (d-2): with hours given, the 3/4 test decides (person by person or by group).
                if not rules.is_part_timer(hours, regular):
                    role = "regular"
                    notes.append(_("%(count)s staff entered as part-time work more than three quarters of a regular employee's "
                                   "hours or days and count as regularly employed.") % {"count": count})
            if _is_choice(role, COUNTED_ROLES) and count is not None:
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
            if not _is_choice(program, PROGRAM_ROUNDS):
                errors.setdefault(f"{name}.program", []).append(_("Choose one of: %(choices)s.") % {"choices": ", ".join(PROGRAM_ROUNDS)})
            number = _int(item.get("round"), f"{name}.round", errors, minimum=1)
            if _is_choice(program, PROGRAM_ROUNDS) and number is not None:
                if number not in PROGRAM_ROUNDS[program]:
                    errors.setdefault(f"{name}.round", []).append(
                        _("This program had rounds %(first)s to %(last)s.") % {"first": PROGRAM_ROUNDS[program][0], "last": PROGRAM_ROUNDS[program][-1]})
                else:
                    previous.append((program, number))
    target = data.get("target_round")
    target_round = _int(target, "target_round", errors, minimum=1)
    if target_round is not None and target_round not in TARGET_ROUNDS:
        errors.setdefault("target_round", []).append(_("Only rounds 9, 10 and 11 can be checked."))
    if errors:
        raise EligibilityInputError(errors)
    assert industry is not None and target_round is not None  # errors named them otherwise
    return Request(industry, staff, previous, target_round, notes)


def count_employees(staff: list[tuple[str, int]]) -> int:
    """§2: only the roles that count as 常時使用する従業員."""
    return rules.count_employees(staff)


def may_reapply(previous: list[tuple[str, int]], target_round: int) -> tuple[bool | None, list[str]]:
    """§3: every earlier adoption must allow the target round; 「今後改めてご案内します」 → None."""
    reasons: list[str] = []
    verdict: bool | None = True
    for program, number in previous:
        cell = REAPPLY[(program, number)][target_round]
        context = {"program": PROGRAM_NAMES[program], "round": number, "target": target_round}
        if cell is False:
            verdict = False
            reasons.append(_("Adopted in %(program)s round %(round)s: you may not apply in round %(target)s.") % context)
        elif cell is None:
            if verdict is not False:
                verdict = None
            reasons.append(_("Adopted in %(program)s round %(round)s: whether you may apply in round %(target)s will be announced later.") % context)
        else:
            reasons.append(_("Adopted in %(program)s round %(round)s: you may apply in round %(target)s.") % context)
    return verdict, reasons


def check_jizokuka(data) -> EligibilityResult:
    request = parse_request(data)
    counted = count_employees(request.staff)  # §2
    size = rules.small_business_check(request.industry.group, counted)  # §1 with the call's limits
    reasons = list(request.industry.reasons) + request.part_time_notes + [
        _("%(counted)s employees count as regularly employed; the limit for this industry is %(threshold)s.")
        % {"counted": counted, "threshold": size.limit}
    ]
    if not size.ok:
        reasons.append(size.message)
    verdict, reapply_reasons = may_reapply(request.previous, request.target_round)  # §3
    return EligibilityResult(counted, size.limit, size.ok, verdict, reasons + reapply_reasons)


# §7 「事業場内最低賃金」の算出方法: the rule module computes it (one place).
hourly_from_commission = rules.hourly_from_commission


_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")


def ungrouped(value):
    """A figure as people type it: full-width digits and separators (２２０，０００) and digit
    grouping (220,000) read as 220000. Anything else is returned as it is, for the rules to judge."""
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFKC", value).strip()
    return text.replace(",", "") if _GROUPED.fullmatch(text) else value


def _renamed(kind: str, pay, pay_name: str, **hours):
    try:
        return rules.hourly_wage(kind, {"base": pay}, **hours)
    except rules.RuleInputError as exc:
        raise EligibilityInputError({pay_name if k == "base" else k: v for k, v in exc.errors.items()}) from None


def hourly_from_annual(annual_pay, working_days, daily_hours):
    return _renamed("annual", annual_pay, "annual_pay", working_days=working_days, daily_hours=daily_hours)


def hourly_from_monthly(monthly_pay, monthly_hours):
    return _renamed("monthly", monthly_pay, "monthly_pay", monthly_hours=monthly_hours)


def hourly_from_daily(daily_pay, daily_hours):
    return _renamed("daily", daily_pay, "daily_pay", daily_hours=daily_hours)
