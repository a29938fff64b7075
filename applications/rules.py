"""The rules of the 小規模事業者持続化補助金<一般型>, in one module used by the submission
(services, pages and API), the recommendations (recommend.engine) and the self-check
(eligibility API, the wizard) alike.

Each rule cites the section of seed 003 (「令和元年度補正予算・令和3年度補正予算 小規模事業者
持続化補助金<一般型> 参考資料」, 2022年10月) it comes from. What the next call can change is
data, edited by agency staff in the admin: the frames (枠) of each round with their rate, cap
and conditions (`Frame`), the regional minimum wages (`MinimumWage`) and the lodging table
(`TravelArea`, `TravelCity`). What the seed fixes as a definition (who counts as an employee,
which pay counts towards the minimum wage, the three tests of real estate) is code here.

Other apps read a frame's terms through `frame_terms()` (rate and cap, e.g. for 交付決定).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from companies.reference import JSIC_MIDDLE, PREFECTURES
from core.formatting import japanese_date
from core.input import InputRefused, parse_decimal

# --- §1 業種の考え方: three groups of industry ------------------------------------------------

COMMERCE_SERVICE = "commerce_service"  # 商業・サービス業(宿泊業・娯楽業除く)
ACCOMMODATION_ENTERTAINMENT = "accommodation_entertainment"  # 宿泊業・娯楽業 (JSIC 中分類 75, 80)
MANUFACTURING_OTHER = "manufacturing_other"  # 製造業その他
INDUSTRY_GROUPS = {
    COMMERCE_SERVICE: gettext_lazy("Commerce and services (except accommodation and entertainment)"),
    ACCOMMODATION_ENTERTAINMENT: gettext_lazy("Accommodation and entertainment"),
    MANUFACTURING_OTHER: gettext_lazy("Manufacturing and other"),
}
# The call's limits of 常時使用する従業員 (api.md): a small business has at most this many.
EMPLOYEE_LIMITS = {COMMERCE_SERVICE: 5, ACCOMMODATION_ENTERTAINMENT: 20, MANUFACTURING_OTHER: 20}

# §1: 宿泊業 (75) and 娯楽業 (80) are their own group.
ACCOMMODATION_ENTERTAINMENT_JSIC = frozenset({"75", "80"})
# §1: commerce (卸売・小売, 中分類 50-61) and the services that provide value on the spot
# (情報通信の一部を除くサービス: 飲食, 生活関連, 教育, 医療・福祉, 専門サービス …). Everything
# else — 製造業 (09-32), 建設業 (06-08), 運輸業 (42-49), 農林漁業, 鉱業, 電気・ガス, 情報通信業
# — produces or is hard to fit and takes the 製造業その他 limit ("建設業、運送業等 …
# 「その他」として「製造業その他」の従業員基準を用います").
COMMERCE_SERVICE_JSIC = frozenset(
    [f"{n:02d}" for n in range(50, 62)]  # 卸売業，小売業
    + ["62", "63", "64", "65", "66", "67"]  # 金融業，保険業
    + ["68", "69", "70"]  # 不動産業，物品賃貸業
    + ["72", "73", "74"]  # 専門・技術サービス, 広告業
    + ["76", "77", "78", "79"]  # 飲食サービス, 生活関連サービス
    + ["81", "82", "83", "84", "85"]  # 教育, 医療・福祉
    + ["88", "89", "90", "91", "92", "93", "95"]  # サービス業（他に分類されないもの）
)
# Not above: 情報サービス業 (39) makes software, which §1 names as 製造業その他 (「ソフトウェアの
# ような無形の商品…を生産する事業」); 通信・放送・制作 (37, 38, 40, 41) are hard to fit.


def industry_group_of_jsic(jsic: str | None) -> str:
    """§1: the group of one JSIC middle class; anything unknown or hard to fit is 製造業その他."""
    code = (jsic or "").strip()[:2]
    if code in ACCOMMODATION_ENTERTAINMENT_JSIC:
        return ACCOMMODATION_ENTERTAINMENT
    if code in COMMERCE_SERVICE_JSIC:
        return COMMERCE_SERVICE
    return MANUFACTURING_OTHER


@dataclass(frozen=True)
class IndustryLine:
    jsic: str
    share: int = 100  # share of sales, per cent


@dataclass
class IndustryDecision:
    group: str
    main_jsic: str
    reasons: list[str]
    derived_group: str = ""
    corrected: bool = False

    @property
    def limit(self) -> int:
        return EMPLOYEE_LIMITS[self.group]


def _jsic_label(code: str) -> str:
    return f"{code} {JSIC_MIDDLE.get(code, '')}".strip()


def industry_group(lines: list[IndustryLine]) -> IndustryDecision:
    """§1 for a business with one or several lines: the group of its main line (the largest
    share of sales). Where the largest shares tie between lines of different groups the seed's
    「区分が異なる複数の事業を営んでいるなど判断が難しい場合」 applies: 製造業その他."""
    lines = [line for line in lines if (line.jsic or "").strip()]
    if not lines:
        return IndustryDecision(MANUFACTURING_OTHER, "", [_("No industry is registered: the manufacturing-and-other limit applies.")],
                                derived_group=MANUFACTURING_OTHER)
    top = max(line.share for line in lines)
    leaders = [line for line in lines if line.share == top]
    groups = {industry_group_of_jsic(line.jsic) for line in leaders}
    main = leaders[0]
    if len(groups) > 1:
        reason = _("The main lines %(lines)s have equal shares and fall into different groups: the manufacturing-and-other limit applies.") % {
            "lines": "、".join(_jsic_label(line.jsic) for line in leaders)}
        return IndustryDecision(MANUFACTURING_OTHER, main.jsic, [reason], derived_group=MANUFACTURING_OTHER)
    group = groups.pop()
    reason = _("Main line %(line)s: %(group)s.") % {"line": _jsic_label(main.jsic), "group": INDUSTRY_GROUPS[group]}
    return IndustryDecision(group, main.jsic, [reason], derived_group=group)


def apply_industry_correction(decision: IndustryDecision, corrected_group: str | None, reason: str | None) -> tuple[IndustryDecision, dict]:
    """The applicant may correct the group the JSIC code gives (a 飲食店 that makes bento to
    sell is 製造業, seed 003 §1's examples), with a reason. Returns the decision and errors."""
    if not corrected_group or corrected_group == decision.derived_group:
        return decision, {}
    if corrected_group not in INDUSTRY_GROUPS:
        return decision, {"industry_group": [_("Choose one of the three groups.")]}
    if not (reason or "").strip():
        return decision, {"industry_group_reason": [_("Give the reason why your business belongs to another group than its industry code says.")]}
    corrected = IndustryDecision(corrected_group, decision.main_jsic, decision.reasons + [
        _("Corrected by the applicant to %(group)s: %(reason)s") % {"group": INDUSTRY_GROUPS[corrected_group], "reason": reason.strip()}],
        derived_group=decision.derived_group, corrected=True)
    return corrected, {}


# --- §2 常時使用する従業員の範囲 ------------------------------------------------------------------

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
    "part_time": False,  # (d-2) 所定労働時間が通常の従業員より短い者 (the 3/4 test)
    "regular": True,  # 上記以外の常時使用する従業員
}
PART_TIME_RATIO = Fraction(3, 4)


@dataclass(frozen=True)
class Hours:
    """Scheduled (所定) working time of a person, or of the regular employee (通常の従業員)."""

    daily_hours: Decimal | None = None
    weekly_hours: Decimal | None = None
    monthly_days: Decimal | None = None


def is_part_timer(person: Hours, regular: Hours) -> bool:
    """§2 (d-2): a part-timer (not counted) only where 「1日の労働時間および1か月の所定労働日数が
    4分の3以下」 or 「1週間の労働時間および1か月の所定労働日数が4分の3以下」 of the regular
    employee of the same workplace. Exactly 3/4 is 以下: a part-timer."""

    def at_most(mine, theirs) -> bool:
        return mine is not None and theirs is not None and Fraction(Decimal(mine)) <= PART_TIME_RATIO * Fraction(Decimal(theirs))

    days = at_most(person.monthly_days, regular.monthly_days)
    return days and (at_most(person.daily_hours, regular.daily_hours) or at_most(person.weekly_hours, regular.weekly_hours))


HOURS_NAMES = ("daily_hours", "weekly_hours", "monthly_days")


def _hours_of(content: dict, prefix: str) -> Hours:
    values = []
    for name in HOURS_NAMES:
        value = content.get(f"{prefix}_{name}")
        try:
            values.append(parse_decimal(value, max_digits=6, decimal_places=2) if value not in (None, "") else None)
        except InputRefused:
            values.append(None)
    return Hours(*values)


@dataclass(frozen=True)
class PartTimeCheck:
    counted: int  # part-time staff who count as 常時使用する従業員 (more than 3/4)
    errors: dict
    note: str = ""


def part_time_check(content: dict) -> PartTimeCheck:
    """§2 (d-2) on an application: the part-time group against a regular employee of the same
    workplace. Not counted where their days a month and their hours a day (or a week) are
    3/4 or less; counted otherwise. Part-time staff without the hours to test are refused."""
    count = _int_or_none(content.get("part_time_staff")) or 0
    if count <= 0:
        return PartTimeCheck(0, {})
    regular, part = _hours_of(content, "regular"), _hours_of(content, "part")

    def complete(hours: Hours) -> bool:
        return hours.monthly_days is not None and (hours.daily_hours is not None or hours.weekly_hours is not None)

    if not complete(regular) or not complete(part):
        return PartTimeCheck(0, {"part_time_staff": [_(
            "For the 3/4 test, enter the scheduled days a month and the hours a day or a week of a regular employee "
            "and of the part-time staff.")]})
    if is_part_timer(part, regular):
        return PartTimeCheck(0, {}, _("The part-time staff work three quarters of a regular employee's hours and days "
                                      "or less: not counted."))
    return PartTimeCheck(count, {}, _("The part-time staff work more than three quarters of a regular employee's hours or "
                                      "days: they count as regularly employed staff."))


def count_employees(staff: list[tuple[str, int]]) -> int:
    """§2: only the roles that count as 常時使用する従業員."""
    return sum(count for role, count in staff if COUNTED_ROLES[role])


@dataclass
class SizeCheck:
    ok: bool
    count: int
    limit: int
    group: str
    message: str


def small_business_check(group: str, employees: int) -> SizeCheck:
    """§1 × §2: a small business has at most the group's limit of regular employees. At the
    limit it is small; one over it is not."""
    limit = EMPLOYEE_LIMITS[group]
    ok = employees <= limit
    context = {"group": INDUSTRY_GROUPS[group], "limit": limit, "count": employees}
    if ok:
        message = _("%(count)s regularly employed staff: within the limit of %(limit)s for %(group)s.") % context
    else:
        message = _("A small business in %(group)s has at most %(limit)s regularly employed staff; you entered %(count)s. "
                    "This subsidy is not open to the business.") % context
    return SizeCheck(ok, employees, limit, group, message)


def business_size_check(*, jsic: str | None, employees: int | None) -> SizeCheck | None:
    """The same check on the business record (main line = the record's JSIC code); None
    when the record has no number of employees."""
    if employees is None:
        return None
    return small_business_check(industry_group([IndustryLine(jsic or "")]).group, employees)


# --- Frames (枠) of a round, as data --------------------------------------------------------


@dataclass(frozen=True)
class FrameTerms:
    rate: Fraction
    cap: int

    def amount(self, eligible_expenses: int) -> int:
        """The subsidy: the rate of the eligible expenses, rounded down, at most the cap."""
        return min(int(Fraction(max(eligible_expenses, 0)) * self.rate), self.cap)


DEFAULT_TERMS = FrameTerms(Fraction(2, 3), 500_000)  # 通常枠 of rounds 9-11 where no frame is chosen


def frame_terms(frame, *, invoice_special: bool = False, deficit: bool = False) -> FrameTerms:
    """Rate and cap of a frame (`applications.models.Frame`), with the インボイス特例
    addition and the deficit rate where they apply. The one place other apps read them."""
    if frame is None:
        return DEFAULT_TERMS
    rate = Fraction(frame.rate_numerator, frame.rate_denominator)
    if deficit and frame.deficit_rate_numerator and frame.deficit_rate_denominator:
        rate = Fraction(frame.deficit_rate_numerator, frame.deficit_rate_denominator)
    cap = frame.cap + (frame.invoice_special_addition if invoice_special else 0)
    return FrameTerms(rate, cap)


def application_terms(application) -> FrameTerms:
    """Rate and cap of an application, from its frame and its answers (for 交付決定)."""
    content = application.content or {}
    return frame_terms(application.frame, invoice_special=bool(content.get("invoice_special")), deficit=bool(content.get("deficit")))


def frames_of_round(subsidy_round) -> list:
    if subsidy_round is None:
        return []
    return list(subsidy_round.frames.all().order_by("id"))


@dataclass
class FrameAnswers:
    """What the applicant states for the conditions of a frame."""

    opened_on: dt.date | None = None  # 創業枠: the day the business opened (開業日)
    specific_startup_support: bool = False  # 創業枠: 特定創業支援等事業の支援を受けた
    successor_finalist: bool = False  # 後継者支援枠: アトツギ甲子園 ファイナリスト・準ファイナリスト
    plans_growth_beyond_limit: bool = False  # 卒業枠
    invoice_special: bool = False  # インボイス特例
    was_tax_exempt: bool = False  # インボイス特例: 免税事業者であった
    lowest_wage_hourly: int | None = None  # 賃金引上げ枠: 事業場内最低賃金 now
    planned_wage_hourly: int | None = None  # 賃金引上げ枠: at the end of the project
    prefecture: str = ""
    on: dt.date | None = None


def frame_condition_errors(frame, answers: FrameAnswers) -> dict[str, list[str]]:
    """The conditions of a frame, each from the row's data."""
    errors: dict[str, list[str]] = {}
    if frame is None:
        return errors
    if frame.startup_window_start or frame.startup_window_end:
        # §11: 「公募締切時から起算して過去3か年」 — the round's own window, not its deadline.
        start, end = frame.startup_window_start, frame.startup_window_end
        window = {"start": japanese_date(start) if start else "—", "end": japanese_date(end) if end else "—"}
        if answers.opened_on is None:
            errors["opened_on"] = [_("Enter the day the business opened (start-up frame).")]
        elif (start and answers.opened_on < start) or (end and answers.opened_on > end):
            errors["opened_on"] = [_("The start-up frame of this round is for businesses opened from %(start)s to %(end)s.") % window]
        if not answers.specific_startup_support:
            errors["specific_startup_support"] = [_("The start-up frame needs support under a specific start-up support programme within the same three years.")]
    if frame.requires_successor_finalist and not answers.successor_finalist:
        errors["successor_finalist"] = [_("The successor support frame is for finalists and semi-finalists of the Atotsugi Koshien.")]
    if frame.requires_growth_beyond_limit and not answers.plans_growth_beyond_limit:
        errors["plans_growth_beyond_limit"] = [_("The graduation frame is for a business that plans to employ more staff than a small business may have by the end of the project.")]
    if frame.wage_increase_yen is not None:
        errors.update(wage_increase_errors(frame, answers))
    if answers.invoice_special:
        if not frame.invoice_special_addition:
            errors["invoice_special"] = [_("The invoice special rule does not apply to this frame in this round.")]
        elif not answers.was_tax_exempt:
            errors["invoice_special"] = [_("The invoice special rule is for a tax-exempt business that registers as a qualified invoice issuer.")]
    return errors


# --- §7 事業場内最低賃金 and the regional minimum wage ------------------------------------------

CENTS = Decimal("0.01")
# §7 ※「時間給または時間換算額」の構成要素: 基本給 and every allowance count except these
# (限定列挙).
EXCLUDED_PAY = {
    "bonus": gettext_lazy("Bonus"),  # 賞与
    "overtime": gettext_lazy("Overtime, holiday and night-work premiums"),  # 時間外勤務手当・休日出勤手当・深夜勤務手当
    "commuting": gettext_lazy("Commuting allowance"),  # 通勤手当
    "family": gettext_lazy("Family allowance"),  # 家族手当
    "attendance": gettext_lazy("Perfect attendance allowance"),  # 精皆勤手当
    "extraordinary": gettext_lazy("Extraordinary pay (e.g. a wedding gift)"),  # 臨時の賃金（結婚祝賀金等）
}
COUNTED_PAY = {
    "base": gettext_lazy("Base pay"),  # 基本給
    "allowances": gettext_lazy("Other allowances (position, duties …)"),  # 役職手当・職務手当等
}
PAY_KINDS = {
    "hourly": gettext_lazy("Hourly"),
    "monthly": gettext_lazy("Monthly (②)"),
    "daily": gettext_lazy("Daily (③)"),
    "annual": gettext_lazy("Annual (①)"),
}


class RuleInputError(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(str(errors))


# Pay up to a trillion yen, hours and days to 2 decimal places (core.input's bounds): every
# quotient below fits the decimal context; NaN, Infinity and 1e30 never reach the arithmetic.
PAY_DIGITS, PAY_PLACES = 15, 2


def _decimal(value, name: str) -> Decimal:
    try:
        return parse_decimal(value, field=name, max_digits=PAY_DIGITS, decimal_places=PAY_PLACES)
    except InputRefused as exc:
        raise RuleInputError(exc.errors) from None


def _positive(value, name: str) -> Decimal:
    number = _decimal(value, name)
    if number <= 0:
        raise RuleInputError({name: [_("Enter a number greater than zero.")]})
    return number


def counted_pay(components: dict) -> Decimal:
    """§7: the pay that counts — every component except the excluded ones."""
    total = Decimal(0)
    for name, value in components.items():
        if name in EXCLUDED_PAY or value in (None, ""):
            continue
        amount = _decimal(value, name)
        if amount < 0:
            raise RuleInputError({name: [_("Enter a number of zero or more.")]})
        total += amount
    return total


def hourly_wage(kind: str, components: dict, *, monthly_hours=None, daily_hours=None, working_days=None) -> Decimal:
    """§7 ①-③: the hourly equivalent of one employee's counted pay.
    ① 年俸 ÷ (所定労働日数 × 1日の所定労働時間数); ② 月給 ÷ 1か月平均所定労働時間数;
    ③ 日給 ÷ 1日の所定労働時間数; an hourly wage is itself."""
    pay = counted_pay(components)
    if pay <= 0:
        raise RuleInputError({"base": [_("Enter the base pay.")]})
    if kind == "hourly":
        hours = Decimal(1)
    elif kind == "monthly":
        hours = _positive(monthly_hours, "monthly_hours")
    elif kind == "daily":
        hours = _positive(daily_hours, "daily_hours")
    elif kind == "annual":
        hours = _positive(working_days, "working_days") * _positive(daily_hours, "daily_hours")
    else:
        raise RuleInputError({"kind": [_("Choose the kind of pay.")]})
    return (pay / hours).quantize(CENTS, rounding=ROUND_DOWN)


def hourly_from_commission(commission_total, hours_worked, months, fixed_hourly=0) -> Decimal:
    """§7 ④歩合給: 1年間(12か月分, 雇入れ後1年未満なら雇用期間)の歩合給 ÷ その期間の労働時間,
    固定給との併用なら固定給の時間換算額に合算."""
    months_value = _positive(months, "months")
    if months_value > 12:
        raise RuleInputError({"months": [_("Use at most the last 12 months.")]})
    rate = _positive(commission_total, "commission_total") / _positive(hours_worked, "hours_worked")
    fixed = _decimal(fixed_hourly or 0, "fixed_hourly")
    if fixed < 0:
        raise RuleInputError({"fixed_hourly": [_("Enter a number of zero or more.")]})
    return (rate + fixed).quantize(CENTS, rounding=ROUND_DOWN)


def workplace_minimum(hourly_wages: list[Decimal]) -> Decimal | None:
    """§7: the workplace's figure is its lowest-paid employee's (パート・アルバイトを含む)."""
    return min(hourly_wages) if hourly_wages else None


def regional_minimum_wage(prefecture: str, on: dt.date):
    """The 地域別最低賃金 in force in the prefecture on that day (the row of its fiscal year
    with the latest `effective_on` not after the day), or None where none is registered."""
    from .models import MinimumWage

    return (MinimumWage.objects.filter(prefecture=prefecture, effective_on__lte=on)
            .order_by("-effective_on").first())


@dataclass
class WageComparison:
    ok: bool
    workplace: Decimal | None
    regional: int | None
    fiscal_year: int | None
    message: str


def compare_with_regional(workplace: Decimal, prefecture: str, on: dt.date) -> WageComparison:
    row = regional_minimum_wage(prefecture, on)
    name = PREFECTURES.get(prefecture, prefecture)
    if row is None:
        return WageComparison(False, workplace, None, None,
                              _("No regional minimum wage of %(prefecture)s is registered for %(date)s; the SME Agency adds it.")
                              % {"prefecture": name, "date": japanese_date(on)})
    context = {"prefecture": name, "year": row.fiscal_year, "regional": row.hourly, "workplace": workplace}
    if workplace < row.hourly:
        return WageComparison(False, workplace, row.hourly, row.fiscal_year, _(
            "The lowest wage in the workplace (%(workplace)s yen an hour) is below the regional minimum wage of %(prefecture)s "
            "for fiscal year %(year)s (%(regional)s yen).") % context)
    return WageComparison(True, workplace, row.hourly, row.fiscal_year, _(
        "The lowest wage in the workplace (%(workplace)s yen an hour) is at or above the regional minimum wage of %(prefecture)s "
        "for fiscal year %(year)s (%(regional)s yen).") % context)


def wage_increase_errors(frame, answers: FrameAnswers) -> dict[str, list[str]]:
    """賃金引上げ枠: the workplace's lowest wage (§7) must end the project at least the frame's
    increase above the regional minimum wage; a workplace already that far above raises it by
    the increase from where it is."""
    errors: dict[str, list[str]] = {}
    if answers.lowest_wage_hourly is None:
        errors["lowest_wage_hourly"] = [_("Enter the lowest wage in the workplace.")]
    if answers.planned_wage_hourly is None:
        errors["planned_wage_hourly"] = [_("Enter the lowest wage planned at the end of the project.")]
    if errors:
        return errors
    comparison = compare_with_regional(Decimal(answers.lowest_wage_hourly), answers.prefecture, answers.on or dt.date.today())
    if not comparison.ok:
        return {"lowest_wage_hourly": [comparison.message]}
    increase = frame.wage_increase_yen
    target = comparison.regional + increase
    if answers.lowest_wage_hourly >= target:
        target = answers.lowest_wage_hourly + increase
    if answers.planned_wage_hourly < target:
        errors["planned_wage_hourly"] = [_(
            "The wage increase frame needs the lowest wage raised to at least %(target)s yen an hour "
            "(regional minimum wage %(regional)s yen + %(increase)s yen).") % {
            "target": target, "regional": comparison.regional, "increase": increase}]
    return errors


# §8 労働基準法に基づく賃金台帳・労働者名簿の記載事項: asked where the frame needs the records.
WAGE_LEDGER_ITEMS = [
    ("name", pgettext_lazy("person", "Name")), ("sex", gettext_lazy("Sex")), ("pay_period", gettext_lazy("Pay period")),
    ("working_days", gettext_lazy("Days worked")), ("working_hours", gettext_lazy("Hours worked")),
    ("overtime_hours", gettext_lazy("Overtime hours")), ("holiday_hours", gettext_lazy("Holiday work hours")),
    ("night_hours", gettext_lazy("Night work hours")), ("pay_items", gettext_lazy("Kinds and amounts of base pay and allowances")),
    ("deductions", gettext_lazy("Deductions and their amounts")),
]
WORKER_REGISTER_ITEMS = [
    ("name", gettext_lazy("Name of the worker")), ("birth_date", gettext_lazy("Date of birth")), ("history", gettext_lazy("Career history")),
    ("sex", gettext_lazy("Sex")), ("address", gettext_lazy("Address")), ("work", gettext_lazy("Kind of work")),
    ("hired_on", gettext_lazy("Date hired")),
]


def wage_record_errors(content: dict) -> dict[str, list[str]]:
    """§8: every listed item of the wage ledger and the worker register is confirmed."""
    errors: dict[str, list[str]] = {}
    ledger = set(content.get("wage_ledger_items") or [])
    missing = [str(label) for code, label in WAGE_LEDGER_ITEMS if code not in ledger]
    if missing:
        errors["wage_ledger_items"] = [_("The wage ledger must show: %(items)s.") % {"items": "、".join(missing)}]
    register = set(content.get("worker_register_items") or [])
    missing = [str(label) for code, label in WORKER_REGISTER_ITEMS if code not in register]
    if missing:
        errors["worker_register_items"] = [_("The worker register must show: %(items)s.") % {"items": "、".join(missing)}]
    return errors


# --- §10 旅費の支給基準 ---------------------------------------------------------------------------

CONSUMPTION_TAX_RATE = Decimal("0.10")
TRAVEL_ITEMS = {
    "transport": gettext_lazy("Transport (actual cost)"),
    "lodging": gettext_lazy("Lodging"),
    "per_diem": gettext_lazy("Daily allowance (日当)"),
}


def lodging_places() -> list[tuple[str, str, int]]:
    """(code, label, cap) for every area and every named city of the table, from the data."""
    from .models import TravelArea

    places: list[tuple[str, str, int]] = []
    english = (get_language() or "ja").startswith("en")
    for area in TravelArea.objects.prefetch_related("cities").order_by("position", "code"):
        area_name = area.name_en if english and area.name_en else area.name
        cities = list(area.cities.all())
        places.append((area.code, f"{area_name}（{area.cap_per_night:,}円）", area.cap_per_night))
        for city in cities:
            city_name = city.name_en if english and city.name_en else city.name
            places.append((f"city:{city.code}", f"{area_name}: {city_name}（{area.cap_per_night:,}円）", area.cap_per_night))
    return places


def lodging_cap(place: str, tax_mode: str) -> int | None:
    """§10: the per-night cap of an area or named city (tax excluded); a business that books
    tax-included adds the consumption tax. None for an unknown place."""
    from .models import TravelArea, TravelCity

    if place.startswith("city:"):
        city = TravelCity.objects.select_related("area").filter(code=place[5:]).first()
        cap = city.area.cap_per_night if city else None
    else:
        area = TravelArea.objects.filter(code=place).first()
        cap = area.cap_per_night if area else None
    if cap is None:
        return None
    if tax_mode == "included":
        return int(Decimal(cap) * (1 + CONSUMPTION_TAX_RATE))
    return cap


def travel_line_errors(line: dict, tax_mode: str) -> dict[str, list[str]]:
    """§10: actual cost only — 日当 is refused; lodging at most the area's cap a night."""
    errors: dict[str, list[str]] = {}
    if line.get("category") != "travel":
        return errors
    if line.get("travel_item") == "per_diem":
        errors["travel_item"] = [_("A daily allowance (日当) is not an eligible expense; enter the actual cost of travel.")]
    if line.get("nights") or line.get("lodging_per_night") or line.get("travel_item") == "lodging":
        region = line.get("region") or ""
        if not region:
            errors["region"] = [_("Choose the area or city of the lodging.")]
        elif line.get("lodging_per_night") is not None:
            cap = lodging_cap(region, tax_mode)
            if cap is None:
                errors["region"] = [_("Choose the area or city of the lodging.")]
            elif int(line["lodging_per_night"]) > cap:
                errors["lodging_per_night"] = [_("Lodging is at most %(cap)s yen a night in this area.") % {"cap": f"{cap:,}"}]
    return errors


# --- §5 「不動産の取得」に該当する工事 --------------------------------------------------------------

REAL_ESTATE_TESTS = {
    "outer_closure": gettext_lazy("Closed to the outside air: a roof and walls (on three sides or more) that keep out wind and rain"),  # (ア)外気分断性
    "land_fixed": gettext_lazy("Fixed to the land: on a foundation, not just set on blocks"),  # (イ)土地への定着性
    "usable_space": gettext_lazy("Usable as a building: a space for living, work or storage"),  # (ウ)用途性
}
CONSTRUCTION_CATEGORIES = {"machinery", "outsourcing"}  # where building work is booked (店舗改装 …)


def is_real_estate_acquisition(tests: dict) -> bool:
    """§5: building work (増築・増床, 物置等の設置) that meets all three tests is 「不動産の取得」,
    not an eligible expense; meeting two of them is not."""
    return all(bool(tests.get(name)) for name in REAL_ESTATE_TESTS)


def building_line_errors(line: dict) -> dict[str, list[str]]:
    if not line.get("building_work"):
        return {}
    if is_real_estate_acquisition(line):
        return {"building_work": [_("Building work that is closed to the outside air, fixed to the land and usable as a building is "
                                    "the acquisition of real estate, which this subsidy does not pay for.")]}
    return {}


# --- §12 消費税等仕入控除税額 --------------------------------------------------------------------

TAX_STATUSES = {
    "taxable": gettext_lazy("Taxable (課税事業者)"),
    "not_taxpayer": gettext_lazy("Not a taxpayer under the Consumption Tax Act (納税義務者とならない者)"),
    "exempt": gettext_lazy("Exempt (免税事業者)"),
    "simplified": gettext_lazy("Simplified taxation (簡易課税事業者)"),
}
TAX_INCLUDED_ALLOWED = frozenset({"not_taxpayer", "exempt", "simplified"})  # §12 ①②③


def tax_included_allowed(consumption_tax_status: str | None, *, joint: bool) -> bool:
    """§12: ① not a taxpayer, ② exempt and ③ simplified taxation may book tax-included; a
    joint application (共同申請) is always tax-excluded."""
    return not joint and (consumption_tax_status or "") in TAX_INCLUDED_ALLOWED


def tax_mode_errors(tax_mode: str | None, consumption_tax_status: str | None, *, joint: bool) -> dict[str, list[str]]:
    if tax_mode == "included" and not tax_included_allowed(consumption_tax_status, joint=joint):
        if joint:
            return {"tax_mode": [_("A joint application is always entered tax excluded.")]}
        return {"tax_mode": [_("Only a business that is not a taxpayer, is exempt or uses simplified taxation may enter expenses "
                               "tax included.")]}
    return {}


# --- Age (事業承継加点): 年齢計算ニ関スル法律 --------------------------------------------------------

SUCCESSION_BONUS_AGE = 60


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Age as Japanese law counts it (年齢計算ニ関スル法律 with 民法第143条): age is counted from
    the day of birth, so a person reaches the next age at the end of the day before the
    birthday — someone born on 1 January is 60 at the end of 31 December 59 years later, and
    someone born on 29 February at the end of 28 February. On day D the legal age is therefore
    the everyday age on D + 1."""
    day = on + dt.timedelta(days=1)
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def succession_bonus_ok(birth_date: dt.date | None, reference_date: dt.date) -> bool:
    """§11: the representative is 60 or older (満年齢) on the round's reference date."""
    return birth_date is not None and age_on(birth_date, reference_date) >= SUCCESSION_BONUS_AGE


# --- ※5 付加価値額 (research extract) -------------------------------------------------------------


def value_added(gross_profit: int | None, depreciation: int | None) -> int | None:
    """※5 「付加価値額(粗利、減価償却費)」: gross profit + depreciation of the year."""
    if gross_profit is None or depreciation is None:
        return None
    return gross_profit + depreciation


# --- Submission: everything the rules refuse in a 持続化 application --------------------------


def _int_or_none(value) -> int | None:
    if value in (None, "") or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def date_or_none(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def application_industry(content: dict) -> tuple[IndustryDecision, dict]:
    decision = industry_group([IndustryLine(str(content.get("industry_jsic") or ""))])
    return apply_industry_correction(decision, content.get("industry_group") or None, content.get("industry_group_reason"))


def frame_answers(content: dict, *, on: dt.date) -> FrameAnswers:
    return FrameAnswers(
        opened_on=date_or_none(content.get("opened_on")), specific_startup_support=bool(content.get("specific_startup_support")),
        successor_finalist=bool(content.get("successor_finalist")), plans_growth_beyond_limit=bool(content.get("plans_growth_beyond_limit")),
        invoice_special=bool(content.get("invoice_special")), was_tax_exempt=bool(content.get("was_tax_exempt")),
        lowest_wage_hourly=_int_or_none(content.get("lowest_wage_hourly")), planned_wage_hourly=_int_or_none(content.get("planned_wage_hourly")),
        prefecture=str(content.get("prefecture") or ""), on=on,
    )


def jizokuka_rule_errors(application, *, on: dt.date) -> dict[str, list[str]]:
    """Every rule of this module that refuses a 持続化 application at submission."""
    content = application.content or {}
    errors: dict[str, list[str]] = {}
    decision, industry_errors = application_industry(content)
    errors.update(industry_errors)
    employees = _int_or_none(content.get("employees"))
    part_time = part_time_check(content)
    errors.update(part_time.errors)
    if employees is not None:
        size = small_business_check(decision.group, employees + part_time.counted)
        if not size.ok:
            errors["employees"] = [size.message + (" " + part_time.note if part_time.counted else "")]
    round_ = application.subsidy_round
    frames = frames_of_round(round_)
    frame = application.frame
    if frames and frame is None:
        errors["frame"] = [_("Choose a frame.")]
    if frame is not None:
        if round_ is not None and frame.subsidy_round_id != round_.pk:
            errors["frame"] = [_("Choose a frame of this round.")]
        errors.update(frame_condition_errors(frame, frame_answers(content, on=on)))
        if frame.requires_wage_records:
            errors.update(wage_record_errors(content))
    joint = bool(str(content.get("joint_applicants") or "").strip())
    errors.update(tax_mode_errors(content.get("tax_mode"), content.get("consumption_tax_status"), joint=joint))
    tax_mode = content.get("tax_mode") or "excluded"
    for i, line in enumerate(content.get("expenses") or []):
        for name, messages in {**travel_line_errors(line, tax_mode), **building_line_errors(line)}.items():
            errors.setdefault(f"expenses[{i}].{name}", []).extend(messages)
    if content.get("bonus_succession") and round_ is not None:
        if not succession_bonus_ok(date_or_none(content.get("representative_birth_date")), round_.reference_date):
            errors["bonus_succession"] = [_("The succession bonus needs a representative aged %(age)s or more on %(date)s.")
                                          % {"age": SUCCESSION_BONUS_AGE, "date": japanese_date(round_.reference_date)}]
    return errors


@dataclass
class Eligibility:
    """What the self-check wizard found, step by step."""

    steps: dict[str, dict] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(step.get("ok") is not False for step in self.steps.values())
