"""Demo rounds and applications: about 35% of the demo businesses applied across fiscal
years 2020-2024 to several programs, with review scores, adoptions and rejections in the
same rounds, some procedures (certified) and support institutions. owner@'s company has
applications in several fiscal years, adoptions, a certified 経営力向上計画 and a current
draft. Bulk-inserted: 10,000 companies seed in a few seconds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from companies.models import Business
from core.demo import DemoContext

from .models import PROCEDURES, Application, ApplicationEvent, Program, SubsidyRound

JST = ZoneInfo("Asia/Tokyo")
# 持続化補助金<一般型>: deadlines of the rounds other than 9-11 (those come from seed 003 §11
# through a migration). Dates are illustrative.
JIZOKUKA_DEADLINES = {
    1: "2020-06-05", 2: "2020-08-07", 3: "2020-10-02", 4: "2021-02-05", 5: "2021-06-04", 6: "2021-11-05", 7: "2022-03-04",
    8: "2022-06-03", 12: "2023-06-01", 13: "2023-09-07", 14: "2023-12-12", 15: "2024-03-14", 16: "2024-05-27",
}
TWICE_A_YEAR = [f"{year}-{md}" for year in range(2020, 2025) for md in ("08-20", "02-18")]
TITLES = [
    "新商品の開発とネット販売による販路開拓", "店舗改装による新規顧客の獲得", "展示会出展による県外取引先の開拓", "自社ECサイト構築による全国展開",
    "地域特産品を使った新メニュー開発と広報", "POSレジ導入による業務効率化と販促強化", "海外向け商品PRと越境EC", "チラシとSNS広告による集客強化",
    "生産設備の更新による生産性向上", "クラウド会計導入によるバックオフィス効率化", "BCP策定と防災設備の整備", "新分野進出のための試作開発",
]
PREFIX = {Program.JIZOKUKA_GENERAL: "JZ", Program.MONODUKURI: "MN", Program.IT_DONYU: "IT",
          Program.KEIEIRYOKU_KOJO: "KK", Program.JIGYO_KEIZOKU: "JK", Program.KEIEI_KAKUSHIN: "KS"}
PROGRAM_WEIGHTS = {Program.JIZOKUKA_GENERAL: 50, Program.MONODUKURI: 18, Program.IT_DONYU: 17,
                   Program.KEIEIRYOKU_KOJO: 7, Program.JIGYO_KEIZOKU: 5, Program.KEIEI_KAKUSHIN: 3}
AMOUNTS = {Program.JIZOKUKA_GENERAL: (300_000, 500_000), Program.MONODUKURI: (3_000_000, 10_000_000), Program.IT_DONYU: (300_000, 3_000_000)}


def _fy(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def _round(program: str, number: int, deadline: str) -> SubsidyRound:
    day = dt.date.fromisoformat(deadline)
    existing = SubsidyRound.objects.filter(program=program, number=number).first()
    if existing is not None:
        return existing
    return SubsidyRound.objects.create(
        program=program, number=number, fiscal_year=_fy(day), opens_on=day - dt.timedelta(days=75),
        deadline=dt.datetime.combine(day, dt.time(17, 0), tzinfo=JST), reference_date=dt.date(day.year - 1, 12, 31),
        plan_certified_by=day - dt.timedelta(days=120),
    )


def _rounds() -> dict[str, list[SubsidyRound]]:
    rounds = {Program.JIZOKUKA_GENERAL: [_round(Program.JIZOKUKA_GENERAL, n, d) for n, d in JIZOKUKA_DEADLINES.items()]}
    rounds[Program.JIZOKUKA_GENERAL] += list(SubsidyRound.objects.filter(program=Program.JIZOKUKA_GENERAL, number__in=[9, 10, 11]))
    rounds[Program.JIZOKUKA_GENERAL].sort(key=lambda r: r.deadline)
    for program in (Program.MONODUKURI, Program.IT_DONYU):
        rounds[program] = [_round(program, n, d) for n, d in enumerate(sorted(TWICE_A_YEAR), start=1)]
    return rounds


def _open_round() -> SubsidyRound:
    """The round open now, for the demo's current draft (relative to today)."""
    today = timezone.localdate()
    deadline = today + dt.timedelta(days=60)
    return SubsidyRound.objects.create(
        program=Program.JIZOKUKA_GENERAL, number=17, fiscal_year=_fy(today), opens_on=today - dt.timedelta(days=30),
        deadline=dt.datetime.combine(deadline, dt.time(17, 0), tzinfo=JST), reference_date=dt.date(today.year - 1, 12, 31),
        plan_certified_by=today,
    )


def _application(ctx, business: dict, program: str, counter: int, *, round_=None, fiscal_year=None, status=None,
                 score=None, certified_on=None, institution_id=None, consent=None) -> Application:
    rng = ctx.rng
    title = rng.choice(TITLES)
    is_procedure = program in PROCEDURES
    if round_ is not None:
        fiscal_year = round_.fiscal_year
        submitted_at = round_.deadline - dt.timedelta(days=rng.randint(1, 40), hours=rng.randint(0, 12))
    else:
        submitted_at = dt.datetime(fiscal_year, rng.randint(4, 12), rng.randint(1, 28), 10, 0, tzinfo=JST)
    requested = None
    if not is_procedure:
        low, high = AMOUNTS[program]
        requested = rng.randrange(low, high, 10_000)
    receipt = f"{PREFIX[program]}{fiscal_year}-D{counter:07d}"
    content = {"company_name": business["name"], "corporate_number": business["corporate_number"] or "",
               "address": business["address"], "representative_name": business["representative_name"],
               "phone": business["phone"], "employees": business["employees"], "plan_title": title,
               "sales_plan" if not is_procedure else "plan_content": f"{title}に取り組む。", "revenue_expected": "no",
               "tax_mode": "excluded", "expenses": [] if is_procedure else [{"category": "advertising", "description": title, "amount": int(requested * 1.5)}]}
    if status is None:
        status = Application.Status.CERTIFIED if is_procedure else Application.Status.SUBMITTED
    adopted = status in (Application.Status.ADOPTED, Application.Status.COMPLETED)
    return Application(
        business_id=business["id"], program=program, is_procedure=is_procedure, subsidy_round=round_,
        round_number=round_.number if round_ else None, fiscal_year=fiscal_year,
        implementation_fiscal_year=fiscal_year + (1 if not is_procedure and rng.random() < 0.3 else 0),
        status=status, receipt_number=receipt, plan_title=title, content=content,
        snapshot={"receipt_number": receipt, "submitted_at": submitted_at.isoformat(), "program": program,
                  "round": round_.number if round_ else None, "fiscal_year": fiscal_year, "content": content,
                  "requested_amount": requested, "pledge": None if is_procedure else True,
                  "data_use_consent": consent if is_procedure else None},
        requested_amount=requested, granted_amount=requested if adopted else None,
        review_score=score, review_result=("adopted" if adopted else "not_adopted") if score is not None else "",
        reviewed_at=submitted_at + dt.timedelta(days=60) if score is not None else None,
        support_institution_id=institution_id, data_use_consent=bool(consent) if is_procedure else False,
        certified_on=certified_on, submitted_at=submitted_at,
        completion_report="補助事業を計画どおり完了しました。" if status == Application.Status.COMPLETED else "",
        completed_at=submitted_at + dt.timedelta(days=300) if status == Application.Status.COMPLETED else None,
    )


def history_of(application: Application) -> list[tuple[str, str, dt.datetime]]:
    """The steps that lead to the application's status, as the lifecycle takes them
    (applications/transitions.py): (from, to, when)."""
    S = Application.Status
    submitted = application.submitted_at
    if application.status == S.DRAFT or submitted is None:
        return []
    steps = [(S.DRAFT, S.SUBMITTED, submitted)]
    if application.is_procedure:
        if application.status == S.CERTIFIED:
            certified = dt.datetime.combine(application.certified_on or submitted.date(), dt.time(10, 0), tzinfo=JST)
            steps.append((S.SUBMITTED, S.CERTIFIED, max(certified, submitted + dt.timedelta(hours=1))))
        return steps
    if application.status == S.SUBMITTED:
        return steps
    decided = application.reviewed_at or submitted + dt.timedelta(days=60)
    steps.append((S.SUBMITTED, S.UNDER_REVIEW, submitted + dt.timedelta(days=3)))
    if application.status == S.UNDER_REVIEW:
        return steps
    outcome = S.NOT_ADOPTED if application.status == S.NOT_ADOPTED else S.ADOPTED
    steps.append((S.UNDER_REVIEW, outcome, decided))
    if application.status == S.COMPLETED:
        steps.append((S.ADOPTED, S.COMPLETED, application.completed_at or decided + dt.timedelta(days=300)))
    return steps


def _histories(applications: list[Application]) -> None:
    """Seeded applications get the history their status implies: the events the applicant
    sees (ApplicationEvent) and the lifecycle's rows (core.StatusChange), at the seeded
    dates, so that no application shows 採択 with a history saying it was never submitted."""
    from core.bulk import copy_insert
    from core.models import StatusChange

    events, changes = [], []
    for application in applications:
        for from_status, to_status, at in history_of(application):
            events.append({"application_id": application.pk, "from_status": from_status, "to_status": to_status,
                           "actor_id": None, "at": at, "cycle": 1})
            changes.append({"model": "applications.application", "object_id": str(application.pk), "field": "status",
                            "from_status": from_status, "to_status": to_status, "actor_id": None, "at": at,
                            "reason": "demo"})
    copy_insert(ApplicationEvent, events)
    copy_insert(StatusChange, changes)


def _reviewed(ctx, round_) -> tuple[str, Decimal]:
    """A score and the status it gives: about 55% adopted, the cut-off varying by round."""
    rng = ctx.rng
    score = Decimal(str(round(min(100, max(20, rng.gauss(65, 12))), 2)))
    cut = 60 + (round_.number % 4)
    if score >= cut:
        older = (timezone.now() - round_.deadline).days > 365
        return (Application.Status.COMPLETED if older and rng.random() < 0.6 else Application.Status.ADOPTED), score
    return Application.Status.NOT_ADOPTED, score


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    rounds = _rounds()
    open_round = _open_round()
    institutions = ctx.institution_ids or [None]
    programs, weights = list(PROGRAM_WEIGHTS), list(PROGRAM_WEIGHTS.values())
    businesses = {b["id"]: b for b in Business.objects.filter(pk__in=ctx.business_ids).values(
        "id", "name", "corporate_number", "address", "representative_name", "phone", "employees")}
    applications: list[Application] = []
    counter = 0
    now = timezone.now()
    for business_id in ctx.business_ids:
        if business_id == ctx.owner_business_id or rng.random() >= 0.35:
            continue
        used: set[tuple[str, int]] = set()
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            program = rng.choices(programs, weights=weights)[0]
            counter += 1
            institution = rng.choice(institutions) if rng.random() < 0.4 else None
            if program in PROCEDURES:
                fiscal_year = rng.randint(2020, 2024)
                certified = dt.date(fiscal_year, rng.randint(4, 12), rng.randint(1, 28))
                applications.append(_application(ctx, businesses[business_id], program, counter, fiscal_year=fiscal_year,
                                                 certified_on=certified, institution_id=institution, consent=rng.random() < 0.5))
                continue
            round_ = rng.choice([r for r in rounds[program] if r.deadline < now])
            if (program, round_.number) in used:
                continue
            used.add((program, round_.number))
            status, score = _reviewed(ctx, round_)
            applications.append(_application(ctx, businesses[business_id], program, counter, round_=round_, status=status,
                                             score=score, institution_id=institution))
    # owner@'s company: several fiscal years, adoptions, a rejection, a certified plan.
    owner = businesses[ctx.owner_business_id]
    shokokai = ctx.extra.get("shokokai_id")
    by_number = {r.number: r for r in rounds[Program.JIZOKUKA_GENERAL]}
    S = Application.Status
    owner_apps = [
        (Program.JIZOKUKA_GENERAL, dict(round_=by_number[5], status=S.COMPLETED, score=Decimal("78.50"), institution_id=shokokai)),
        (Program.KEIEIRYOKU_KOJO, dict(fiscal_year=2021, certified_on=dt.date(2022, 2, 10), consent=True)),
        (Program.MONODUKURI, dict(round_=rounds[Program.MONODUKURI][6], status=S.NOT_ADOPTED, score=Decimal("52.00"))),
        (Program.JIZOKUKA_GENERAL, dict(round_=by_number[14], status=S.ADOPTED, score=Decimal("81.25"), institution_id=shokokai)),
    ]
    for program, kwargs in owner_apps:
        counter += 1
        applications.append(_application(ctx, owner, program, counter, **kwargs))
    for application in applications:
        if application.status != Application.Status.DRAFT:
            application.submission_count = 1
    Application.objects.bulk_create(applications, batch_size=5000)
    _histories(applications)
    owner_user = ctx.users.get("owner@demo.mirasapo.jp")
    if owner_user is not None:
        from .services import application_start

        application_start(actor=owner_user, program=Program.JIZOKUKA_GENERAL, subsidy_round=open_round,
                          accepted_classes=set(range(1, 14)))
    ctx.say(f"  {SubsidyRound.objects.count()} rounds, {len(applications) + 1} applications")
