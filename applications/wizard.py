"""The 持続化補助金 self-check wizard: eligibility → frame → re-application → minimum wage →
"start this application", in one flow, pre-filled from the business record where the
visitor is a business user. Every verdict comes from applications.rules (the same module the
submission and the recommendations use) and the re-application table of eligibility.

The answers live in the session between steps (JSON-able values only).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from companies.reference import JSIC_MIDDLE, PREFECTURES
from core import input as inputs

from . import eligibility, rules
from .models import Frame, Program, SubsidyRound

SESSION_KEY = "jizokuka_wizard"
STEPS = [
    ("eligibility", gettext_lazy("Eligibility")),
    ("frame", gettext_lazy("Frame")),
    ("reapply", gettext_lazy("Applying again")),
    ("wage", gettext_lazy("Minimum wage")),
    ("result", gettext_lazy("Result")),
]
STEP_NAMES = [name for name, _label in STEPS]
JSIC_CHOICES = [("", "—")] + [(c, f"{c} {n}") for c, n in sorted(JSIC_MIDDLE.items())]
COUNT = {"invalid": gettext_lazy("Enter a whole number."), "min_value": gettext_lazy("Enter a number of zero or more.")}
HOURS = {"invalid": gettext_lazy("Enter a number.")}


def _count(label) -> inputs.IntegerField:
    return inputs.IntegerField(label=label, required=False, min_value=0, max_value=100_000, error_messages=COUNT,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


def _hours(label) -> forms.DecimalField:
    return inputs.DecimalField(label=label, required=False, min_value=Decimal("0.1"), max_value=744, decimal_places=2,
                              error_messages=HOURS)


def selfcheck_rounds():
    return SubsidyRound.objects.filter(program=Program.JIZOKUKA_GENERAL, frames__isnull=False).distinct().order_by("-deadline")


class EligibilityStep(forms.Form):
    subsidy_round = forms.ModelChoiceField(label=gettext_lazy("Round"), queryset=SubsidyRound.objects.none(), empty_label=None)
    main_jsic = forms.ChoiceField(label=gettext_lazy("Main line of business (JSIC)"), choices=JSIC_CHOICES, required=False)
    main_share = inputs.IntegerField(label=gettext_lazy("Its share of sales (%)"), required=False, min_value=0, max_value=100, initial=100)
    second_jsic = forms.ChoiceField(label=gettext_lazy("Another line of business (optional)"), choices=JSIC_CHOICES, required=False)
    second_share = inputs.IntegerField(label=gettext_lazy("Its share of sales (%)"), required=False, min_value=0, max_value=100)
    industry_group = forms.ChoiceField(label=gettext_lazy("Industry group"), required=False,
                                       choices=[("", gettext_lazy("As the industry code says"))] + list(rules.INDUSTRY_GROUPS.items()))
    industry_group_reason = inputs.CharField(label=gettext_lazy("Why another group"), required=False, max_length=500,
                                            widget=forms.Textarea(attrs={"rows": 2}))
    regular = _count(gettext_lazy("Regular employees (including officers who are also employees)"))
    officers = _count(gettext_lazy("Company officers, the owner and family members living with the owner"))
    on_leave = _count(gettext_lazy("Staff on childcare, care or sick leave, or leaving"))
    short_term = _count(gettext_lazy("Day labourers, staff employed for two months or less, seasonal staff for four months or less"))
    part_time = _count(gettext_lazy("Part-time staff"))
    regular_daily_hours = _hours(gettext_lazy("Regular employee: hours a day"))
    regular_weekly_hours = _hours(gettext_lazy("Regular employee: hours a week"))
    regular_monthly_days = _hours(gettext_lazy("Regular employee: days a month"))
    part_daily_hours = _hours(gettext_lazy("Part-time staff: hours a day"))
    part_weekly_hours = _hours(gettext_lazy("Part-time staff: hours a week"))
    part_monthly_days = _hours(gettext_lazy("Part-time staff: days a month"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subsidy_round"].queryset = selfcheck_rounds()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("main_jsic") and not cleaned.get("industry_group"):
            self.add_error("main_jsic", _("Choose the main line of business or an industry group."))
        return cleaned


def industry_of(answers: dict) -> tuple[rules.IndustryDecision, dict]:
    lines = []
    if answers.get("main_jsic"):
        lines.append(rules.IndustryLine(answers["main_jsic"], int(answers.get("main_share") or 100)))
    if answers.get("second_jsic"):
        lines.append(rules.IndustryLine(answers["second_jsic"], int(answers.get("second_share") or 0)))
    if lines:
        decision = rules.industry_group(lines)
    else:
        group = answers.get("industry_group") or rules.MANUFACTURING_OTHER
        decision = rules.IndustryDecision(group, "", [], derived_group=group)
    return rules.apply_industry_correction(decision, answers.get("industry_group") or None, answers.get("industry_group_reason"))


def staff_of(answers: dict) -> tuple[list[tuple[str, int]], list[str]]:
    """§2 with the 3/4 test of (d-2) applied to the part-time group where hours are given."""
    notes: list[str] = []
    part_role = "part_time"
    regular = rules.Hours(*(_decimal(answers.get(f"regular_{f}")) for f in eligibility.HOURS_FIELDS))
    part = rules.Hours(*(_decimal(answers.get(f"part_{f}")) for f in eligibility.HOURS_FIELDS))
    if answers.get("part_time") and any(getattr(part, f) is not None for f in eligibility.HOURS_FIELDS):
        if rules.is_part_timer(part, regular):
            notes.append(_("The part-time staff work three quarters of a regular employee's hours and days or less: not counted."))
        else:
            part_role = "regular"
            notes.append(_("The part-time staff work more than three quarters of a regular employee's hours or days: they count."))
    staff = [("regular", int(answers.get("regular") or 0)), ("officer", int(answers.get("officers") or 0)),
             ("on_leave", int(answers.get("on_leave") or 0)), ("short_term", int(answers.get("short_term") or 0)),
             (part_role, int(answers.get("part_time") or 0))]
    return staff, notes


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


class FrameStep(forms.Form):
    frame = forms.ModelChoiceField(label=gettext_lazy("Frame"), queryset=Frame.objects.none(), empty_label=None,
                                   widget=forms.RadioSelect)
    opened_on = forms.DateField(label=gettext_lazy("Date the business opened (start-up frame)"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}),
                                error_messages={"invalid": gettext_lazy("Enter a date such as 2022-03-31.")})
    specific_startup_support = forms.BooleanField(label=gettext_lazy("Received support under a specific start-up support programme (start-up frame)"), required=False)
    successor_finalist = forms.BooleanField(label=gettext_lazy("A finalist or semi-finalist of the Atotsugi Koshien (successor support frame)"), required=False)
    plans_growth_beyond_limit = forms.BooleanField(label=gettext_lazy("Plans to employ more staff than a small business may have (graduation frame)"), required=False)
    invoice_special = forms.BooleanField(label=gettext_lazy("Request the invoice special rule"), required=False)
    was_tax_exempt = forms.BooleanField(label=gettext_lazy("Was tax-exempt and registers as a qualified invoice issuer"), required=False)

    def __init__(self, *args, subsidy_round=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["frame"].queryset = Frame.objects.filter(subsidy_round=subsidy_round).order_by("id")
        self.fields["frame"].label_from_instance = _frame_label


def _frame_label(frame: Frame) -> str:
    terms = rules.frame_terms(frame)
    label = _("%(frame)s: %(num)s/%(den)s of the expenses, up to %(cap)s yen") % {
        "frame": frame.get_kind_display(), "num": terms.rate.numerator, "den": terms.rate.denominator, "cap": f"{terms.cap:,}"}
    if frame.startup_window_start or frame.startup_window_end:
        label += _(" (for businesses opened %(start)s to %(end)s)") % {
            "start": frame.startup_window_start or "—", "end": frame.startup_window_end or "—"}
    if frame.invoice_special_addition:
        label += _(" (invoice special rule: +%(add)s yen)") % {"add": f"{frame.invoice_special_addition:,}"}
    return label


class ReapplyStep(forms.Form):
    prev_r1_general = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Adopted in the general type (2019 supplementary budget onwards), rounds"), required=False, coerce=int,
        choices=[(n, str(n)) for n in eligibility.PROGRAM_ROUNDS["r1_general"]], widget=forms.CheckboxSelectMultiple)
    prev_r2_low_infection = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Adopted in the low infection risk business type, rounds"), required=False, coerce=int,
        choices=[(n, str(n)) for n in eligibility.PROGRAM_ROUNDS["r2_low_infection"]], widget=forms.CheckboxSelectMultiple)


def _yen(label, *, required: bool = False) -> inputs.DecimalField:
    return inputs.DecimalField(label=label, required=required, min_value=0, max_value=10**9, decimal_places=0)


class WageLedgerRow(forms.Form):
    """One employee of the wage ledger (賃金台帳, seed 003 §8): each pay item on its own, so
    that §7's excluded items are left out by rule rather than by the visitor's arithmetic,
    and the scheduled (所定) time the kind of pay needs."""

    name = inputs.CharField(label=gettext_lazy("Employee (name or initials)"), required=False, max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("Paid"), required=False, choices=[("", "—"), *rules.PAY_KINDS.items()])
    base = _yen(gettext_lazy("Base pay (yen)"))
    allowances = _yen(gettext_lazy("Allowances that count: position, duties … (yen)"))
    bonus = _yen(rules.EXCLUDED_PAY["bonus"])
    overtime = _yen(rules.EXCLUDED_PAY["overtime"])
    commuting = _yen(rules.EXCLUDED_PAY["commuting"])
    family = _yen(rules.EXCLUDED_PAY["family"])
    attendance = _yen(rules.EXCLUDED_PAY["attendance"])
    extraordinary = _yen(rules.EXCLUDED_PAY["extraordinary"])
    monthly_hours = _hours(gettext_lazy("Average scheduled hours a month (monthly pay)"))
    daily_hours = _hours(gettext_lazy("Scheduled hours a day (daily or annual pay)"))
    working_days = inputs.DecimalField(label=gettext_lazy("Scheduled working days a year (annual pay)"), required=False,
                                       min_value=1, max_value=366, decimal_places=1)
    # §7 ④ 歩合給: the commission of the last 12 months (or since hiring) over the hours worked
    # then, added to the fixed pay's hourly figure.
    commission_total = _yen(gettext_lazy("Commission over the period (yen)"))
    commission_hours = inputs.DecimalField(label=gettext_lazy("Hours worked over that period"), required=False,
                                           min_value=Decimal("0.1"), max_value=9000, decimal_places=2)
    commission_months = inputs.DecimalField(label=gettext_lazy("Months of that period (at most 12)"), required=False,
                                            min_value=Decimal("0.1"), max_value=12, decimal_places=1)

    PAY_FIELDS = ("base", "allowances", *rules.EXCLUDED_PAY)
    COMMISSION_FIELDS = ("commission_total", "commission_hours", "commission_months")

    def clean(self):
        cleaned = super().clean()
        commission = any(cleaned.get(name) not in (None, "") for name in self.COMMISSION_FIELDS)
        if not commission and not any(cleaned.get(name) not in (None, "") for name in ("kind", *self.PAY_FIELDS)):
            return cleaned  # a blank row
        if not cleaned.get("kind") and not commission:
            self.add_error("kind", _("Choose how this employee is paid."))
            return cleaned
        try:
            fixed = Decimal(0)
            if cleaned.get("kind") and cleaned.get("base") not in (None, ""):
                fixed = rules.hourly_wage(
                    cleaned["kind"], {name: cleaned.get(name) for name in self.PAY_FIELDS},
                    monthly_hours=cleaned.get("monthly_hours"), daily_hours=cleaned.get("daily_hours"),
                    working_days=cleaned.get("working_days"))
            elif not commission:
                raise rules.RuleInputError({"base": [_("Enter the base pay.")]})
            cleaned["hourly"] = fixed if not commission else rules.hourly_from_commission(
                cleaned.get("commission_total"), cleaned.get("commission_hours"), cleaned.get("commission_months"),
                fixed_hourly=fixed)
        except rules.RuleInputError as exc:
            for name, messages in exc.errors.items():
                name = {"months": "commission_months", "hours_worked": "commission_hours"}.get(name, name)
                self.add_error(name if name in self.fields else None, messages)
        return cleaned


WageLedger = forms.formset_factory(WageLedgerRow, extra=3, max_num=50, validate_max=True)


class WageStep(forms.Form):
    """§7: the wage ledger, employee by employee (part-timers included); each one's hourly
    figure from the pay that counts, the workplace's figure is the lowest of them. Where the
    frame needs the records (§8), which items the wage ledger and the worker register show."""

    prefecture = forms.ChoiceField(label=gettext_lazy("Prefecture of the workplace"), choices=[("", "—")] + sorted(PREFECTURES.items()))
    planned_wage_hourly = inputs.IntegerField(label=gettext_lazy("Lowest wage planned at the end of the project (yen an hour)"),
                                              required=False, min_value=1, max_value=100_000)
    wage_ledger_items = forms.MultipleChoiceField(label=gettext_lazy("Our wage ledger shows"), required=False,
                                                  choices=rules.WAGE_LEDGER_ITEMS, widget=forms.CheckboxSelectMultiple)
    worker_register_items = forms.MultipleChoiceField(label=gettext_lazy("Our worker register shows"), required=False,
                                                      choices=rules.WORKER_REGISTER_ITEMS, widget=forms.CheckboxSelectMultiple)

    def __init__(self, data=None, *, frame=None, initial=None, **kwargs):
        super().__init__(data, initial=initial, **kwargs)
        if frame is None or not frame.requires_wage_records:
            del self.fields["wage_ledger_items"], self.fields["worker_register_items"]
        rows = (initial or {}).get("ledger") if data is None else None
        self.ledger = WageLedger(data, prefix="emp", initial=rows or None)

    def is_valid(self) -> bool:
        head, ledger = super().is_valid(), self.ledger.is_valid()
        if head and ledger and not self.rows():
            self.add_error(None, _("Enter at least one employee of the wage ledger."))
            return False
        return head and ledger

    def rows(self) -> list[dict]:
        return [row.cleaned_data for row in self.ledger.forms if row.cleaned_data.get("hourly") is not None]

    def hourly(self) -> Decimal:
        """The workplace's figure: its lowest-paid employee's hourly pay (§7)."""
        return rules.workplace_minimum([row["hourly"] for row in self.rows()])

    def answers(self) -> dict:
        data = jsonable({k: v for k, v in self.cleaned_data.items()})
        rows = [jsonable({k: v for k, v in row.items() if v not in (None, "")}) for row in self.rows()]
        lowest = min(range(len(rows)), key=lambda i: Decimal(rows[i]["hourly"]))
        return {**data, "ledger": rows, "hourly": str(self.hourly()), "lowest": rows[lowest].get("name") or str(lowest + 1)}


def jsonable(data: dict) -> dict:
    out = {}
    for key, value in data.items():
        if isinstance(value, (SubsidyRound, Frame)):
            out[key] = value.pk
        elif isinstance(value, (dt.date, Decimal)):
            out[key] = str(value)
        else:
            out[key] = value
    return out


def state(request) -> dict:
    return request.session.get(SESSION_KEY) or {}


def save_state(request, data: dict) -> None:
    request.session[SESSION_KEY] = data
    request.session.modified = True


def round_of(answers: dict) -> SubsidyRound | None:
    pk = (answers.get("eligibility") or {}).get("subsidy_round")
    return SubsidyRound.objects.filter(pk=pk).first() if pk else None


def frame_of(answers: dict, subsidy_round) -> Frame | None:
    pk = (answers.get("frame") or {}).get("frame")
    return Frame.objects.filter(pk=pk, subsidy_round=subsidy_round).first() if pk and subsidy_round else None


def check_date(subsidy_round) -> dt.date:
    """The day the checks look at: today, or the round's deadline if it has passed."""
    today = timezone.localdate()
    deadline = timezone.localtime(subsidy_round.deadline).date() if subsidy_round else today
    return min(today, deadline)


def wage_needed(frame: Frame | None) -> bool:
    return frame is not None and (frame.wage_increase_yen is not None or frame.requires_wage_records)


def evaluate(answers: dict) -> dict:
    """Every step's verdict from the stored answers: {step: {"ok": bool|None, "lines": [...]}}."""
    result: dict[str, dict] = {}
    e = answers.get("eligibility")
    subsidy_round = round_of(answers)
    if e:
        decision, errors = industry_of(e)
        staff, notes = staff_of(e)
        size = rules.small_business_check(decision.group, rules.count_employees(staff))
        lines = decision.reasons + notes + [size.message] + [m for ms in errors.values() for m in ms]
        result["eligibility"] = {"ok": size.ok and not errors, "lines": lines, "group": decision.group,
                                 "count": size.count, "limit": size.limit}
    frame = frame_of(answers, subsidy_round)
    f = answers.get("frame")
    if f and frame is not None:
        a = rules.FrameAnswers(opened_on=rules.date_or_none(f.get("opened_on")),
                               specific_startup_support=bool(f.get("specific_startup_support")),
                               successor_finalist=bool(f.get("successor_finalist")),
                               plans_growth_beyond_limit=bool(f.get("plans_growth_beyond_limit")),
                               invoice_special=bool(f.get("invoice_special")), was_tax_exempt=bool(f.get("was_tax_exempt")))
        errors = rules.frame_condition_errors(frame, a)
        errors = {k: v for k, v in errors.items() if k not in {"lowest_wage_hourly", "planned_wage_hourly"}}
        terms = rules.frame_terms(frame, invoice_special=a.invoice_special and not errors.get("invoice_special"))
        lines = [_frame_label(frame)] + [m for ms in errors.values() for m in ms]
        if not errors:
            lines.append(_("The conditions of this frame are met: up to %(cap)s yen.") % {"cap": f"{terms.cap:,}"})
        result["frame"] = {"ok": not errors, "lines": lines}
    r = answers.get("reapply")
    if r is not None and subsidy_round is not None:
        previous = [("r1_general", n) for n in r.get("prev_r1_general", [])] + [("r2_low_infection", n) for n in r.get("prev_r2_low_infection", [])]
        if subsidy_round.number in eligibility.TARGET_ROUNDS:
            verdict, reasons = eligibility.may_reapply(previous, subsidy_round.number)
        elif previous:
            verdict, reasons = None, [_("The table of who may apply again covers rounds 9 to 11; ask your chamber of commerce about this round.")]
        else:
            verdict, reasons = True, []
        if not previous:
            reasons = [_("No earlier adoption: nothing stops you from applying.")]
        result["reapply"] = {"ok": verdict, "lines": reasons}
    w = answers.get("wage")
    if not wage_needed(frame):
        if frame is not None:
            result["wage"] = {"ok": True, "lines": [_("This frame does not ask about the minimum wage.")]}
    elif w and w.get("hourly"):
        hourly = Decimal(w["hourly"])
        on = check_date(subsidy_round)
        comparison = rules.compare_with_regional(hourly, w.get("prefecture", ""), on)
        lines = [_("%(name)s: %(hourly)s yen an hour") % {"name": row.get("name") or _("Employee %(n)s") % {"n": i},
                                                          "hourly": row["hourly"]}
                 for i, row in enumerate(w.get("ledger") or [], start=1)]
        lines += [_("Hourly equivalent of the lowest-paid employee's counted pay: %(hourly)s yen.") % {"hourly": hourly},
                  comparison.message]
        ok = comparison.ok
        if ok and frame.wage_increase_yen is not None:
            planned = w.get("planned_wage_hourly")
            a = rules.FrameAnswers(lowest_wage_hourly=int(hourly), planned_wage_hourly=int(planned) if planned else None,
                                   prefecture=w.get("prefecture", ""), on=on)
            errors = rules.wage_increase_errors(frame, a)
            lines += [m for ms in errors.values() for m in ms]
            ok = not errors
        if frame.requires_wage_records:
            record_errors = rules.wage_record_errors(w)
            lines += [m for ms in record_errors.values() for m in ms]
            ok = ok and not record_errors
            lines.append(_("Have your wage ledger and worker register ready: the form asks for the items they record."))
        result["wage"] = {"ok": ok, "lines": lines}
    return result


def answers_from_record(viewer) -> dict:
    """Answers pre-filled from the business record of a business user: the main line, the
    number of employees, the prefecture and the rounds adopted before. Read through
    consent.access (the pre-fill's own reads and the applicant's history)."""
    from .prefill import offered_classes, record_values
    from .selectors import application_history

    membership = getattr(viewer, "membership_or_none", None) if getattr(viewer, "is_authenticated", False) else None
    if membership is None:
        return {}
    names = ("industry_jsic", "employees", "prefecture")
    offered = offered_classes(viewer=viewer, business_id=membership.business_id, field_names=names)
    classes = {code for code, info in offered.items() if info["allowed"]}
    from companies.models import Business

    business = Business.objects.get(pk=membership.business_id)
    values = {name: info["value"] for name, info in record_values(business=business, field_names=names, classes=classes).items()}
    answers: dict = {"eligibility": {}, "reapply": {}, "wage": {}}
    if values.get("industry_jsic"):
        answers["eligibility"].update(main_jsic=values["industry_jsic"], main_share=100)
    if values.get("employees") is not None:
        answers["eligibility"]["regular"] = values["employees"]
    if values.get("prefecture"):
        answers["wage"]["prefecture"] = values["prefecture"]
    try:
        adopted = application_history(viewer=viewer).filter(program=Program.JIZOKUKA_GENERAL, status__in=["adopted", "completed"])
        rounds = sorted({a.round_number for a in adopted if a.round_number in eligibility.PROGRAM_ROUNDS["r1_general"]})
    except Http404:
        rounds = []
    answers["reapply"]["prev_r1_general"] = rounds
    return answers
