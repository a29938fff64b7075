"""Push mail of the catalogue (seed 000: PUSH型の個別化した情報): alerts of new programs that
match a business or a saved search, deadline reminders (7 days and 1 day before) for saved
programs and draft applications, and the weekly digest.

Every producer is idempotent: each message has an idempotency key naming what it is about
and when (a rerun of the job writes nothing new), the outbox row is written in the same
transaction as any watermark it advances, and delivery is notifications' job.
Business-matched mail uses a business's attributes only where its consent allows purpose 5
(class 1) to the agency side (recipients 1-3), as the recommendations do.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from applications.models import Application
from notifications.models import Category, MailPreference
from notifications.services import mail_enqueue, mail_enqueue_bulk
from programs.filters import ProgramFilter
from programs.models import SupportProgram

from .engine import _allowing
from .models import Favourite, SavedSearch

REMINDER_DAYS = (7, 1)
DIGEST_PROGRAMS = 5


def _program_item(p: SupportProgram, *, path_template: str | None = None) -> dict:
    path = path_template.replace("0", str(p.pk), 1) if path_template else reverse("programs:program_detail", args=[p.pk])
    return {"id": p.pk, "name": p.name, "deadline": p.deadline.isoformat() if p.deadline else "", "path": path}


def _path_template() -> str:
    """reverse() once; ids are put in by string replacement (reverse per row is slow)."""
    path = reverse("programs:program_detail", args=[0])
    assert path.count("0") == 1, path
    return path


def _opted_out(category: str):
    return Exists(MailPreference.objects.filter(user_id=OuterRef("user_id"), **{category: False}))


def _members_wanting(category: str):
    """Active business users who have not switched this category off, with their business."""
    return (
        Membership.objects.filter(user__is_active=True).exclude(account_type=Membership.AccountType.ENTRY)
        .annotate(opted_out=_opted_out(category)).filter(opted_out=False)
    )


def _eligible(programs: list[SupportProgram], *, industry: str, prefecture: str, employees: int | None) -> list[SupportProgram]:
    out = []
    for p in programs:
        if p.prefectures and prefecture not in p.prefectures:
            continue
        if p.industries and industry not in p.industries:
            continue
        if employees is not None and ((p.min_employees is not None and employees < p.min_employees)
                                      or (p.max_employees is not None and employees > p.max_employees)):
            continue
        out.append(p)
    return out


def _consenting_memberships(category: str):
    memberships = _members_wanting(category)
    return _allowing(memberships, data_class=1, business_field="business_id")


def send_program_alerts(*, day: dt.date | None = None) -> int:
    """Programs published on `day` (default: yesterday) that a business is eligible for,
    one mail per user; key program-alert:<user>:<day>."""
    day = day or timezone.localdate() - dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    today = timezone.localdate()
    programs = list(SupportProgram.objects.filter(published_at__gte=start, published_at__lt=end)
                    .filter(Q(deadline__isnull=True) | Q(deadline__gte=today)).defer("body", "search_text", "search_tokens", "search_vector"))
    if not programs:
        return 0
    rows = []
    memberships = _consenting_memberships(Category.PROGRAM_ALERT).values_list(
        "user_id", "user__email", "user__preferred_language", "business__name", "business__industry_jsic",
        "business__prefecture", "business__employees")
    cache: dict[tuple, list] = {}
    template = _path_template()
    items = {p.pk: _program_item(p, path_template=template) for p in programs}
    for user_id, email, language, business_name, industry, prefecture, employees in memberships.iterator(chunk_size=5000):
        key = (industry, prefecture, employees)
        if key not in cache:
            cache[key] = [items[p.pk] for p in _eligible(programs, industry=industry, prefecture=prefecture, employees=employees)][:10]
        if not cache[key]:
            continue
        rows.append({"to_user_id": user_id, "to_email": email, "language": language, "template": "program_alert",
                     "category": Category.PROGRAM_ALERT, "idempotency_key": f"program-alert:{user_id}:{day.isoformat()}",
                     "context": {"business_name": business_name, "programs": cache[key]}})
    return mail_enqueue_bulk(rows)


def send_saved_search_alerts(*, now: dt.datetime | None = None) -> int:
    """New programs matching each saved search with alerts on; the watermark advances in
    the same transaction as the outbox row."""
    now = now or timezone.now()
    sent = 0
    searches = SavedSearch.objects.filter(email_alerts=True, user__is_active=True).annotate(
        opted_out=Exists(MailPreference.objects.filter(user_id=OuterRef("user_id"), saved_search=False))
    ).filter(opted_out=False).select_related("user")
    for search in searches.iterator(chunk_size=500):
        with transaction.atomic():
            locked = SavedSearch.objects.select_for_update().get(pk=search.pk)
            since = locked.alerted_until or locked.created_at
            base = SupportProgram.objects.filter(published_at__gt=since, published_at__lte=now).defer("body", "search_text", "search_tokens", "search_vector")
            filterset = ProgramFilter(locked.params, queryset=base)
            if not filterset.is_valid():
                continue
            programs = list(filterset.qs[:20])
            if programs:
                mail_enqueue(to_user=search.user, template="saved_search_alert", category=Category.SAVED_SEARCH,
                             idempotency_key=f"saved-search:{locked.pk}:{now.isoformat()}",
                             context={"search_name": locked.name, "programs": [_program_item(p) for p in programs]})
                sent += 1
            locked.alerted_until = now
            locked.save(update_fields=["alerted_until", "updated_at"])
    return sent


def send_deadline_reminders(*, today: dt.date | None = None) -> int:
    """7 days and 1 day before: saved programs and draft applications; key
    deadline:<kind>:<item>:<user>:<days>."""
    today = today or timezone.localdate()
    count = 0
    with transaction.atomic():
        for days in REMINDER_DAYS:
            target = today + dt.timedelta(days=days)
            favourites = Favourite.objects.filter(program__deadline=target).select_related("program")
            by_business = defaultdict(list)
            for fav in favourites:
                by_business[fav.business_id].append(fav.program)
            members = _members_wanting(Category.DEADLINE).filter(business_id__in=list(by_business)).select_related("user")
            for membership in members:
                for program in by_business[membership.business_id]:
                    mail_enqueue(to_user=membership.user, template="deadline_reminder", category=Category.DEADLINE,
                                 idempotency_key=f"deadline:program:{program.pk}:{membership.user_id}:{days}",
                                 context={"item_name": program.name, "deadline": target.isoformat(), "days": days, "is_draft": False,
                                          "path": reverse("programs:program_detail", args=[program.pk])})
                    count += 1
            start = timezone.make_aware(dt.datetime.combine(target, dt.time.min))
            drafts = Application.objects.filter(status=Application.Status.DRAFT, subsidy_round__deadline__gte=start,
                                                subsidy_round__deadline__lt=start + dt.timedelta(days=1)).select_related("subsidy_round")
            drafts_by_business = defaultdict(list)
            for draft in drafts:
                drafts_by_business[draft.business_id].append(draft)
            members = _members_wanting(Category.DEADLINE).filter(business_id__in=list(drafts_by_business)).select_related("user")
            for membership in members:
                if membership.account_type == Membership.AccountType.MEMBER and not membership.can_draft_applications:
                    continue
                for draft in drafts_by_business[membership.business_id]:
                    mail_enqueue(to_user=membership.user, template="deadline_reminder", category=Category.DEADLINE,
                                 idempotency_key=f"deadline:draft:{draft.pk}:{membership.user_id}:{days}",
                                 context={"item_name": str(draft.get_program_display()), "deadline": target.isoformat(), "days": days,
                                          "is_draft": True, "path": "/applications/"})
                    count += 1
    return count


def build_weekly_digest(*, today: dt.date | None = None) -> int:
    """One digest per business user (who wants it, of a consenting business): the newest
    open programs the business is eligible for. Bulk-written; enqueued in batches."""
    today = today or timezone.localdate()
    year, week, _weekday = today.isocalendar()
    week_label = f"{year}-W{week:02d}"
    since = timezone.now() - dt.timedelta(days=7)
    programs = list(
        SupportProgram.objects.filter(Q(deadline__isnull=True) | Q(deadline__gte=today))
        .filter(Q(opens_on__isnull=True) | Q(opens_on__lte=today + dt.timedelta(days=30)))
        .defer("body", "search_text", "search_tokens", "search_vector").order_by("-published_at", "id")
    )
    fresh = [p for p in programs if p.published_at >= since] or programs
    template = _path_template()
    items = {p.pk: _program_item(p, path_template=template) for p in fresh}
    memberships = _consenting_memberships(Category.DIGEST).values_list(
        "user_id", "user__email", "user__preferred_language", "business__name", "business__industry_jsic",
        "business__prefecture", "business__employees")
    cache: dict[tuple, list] = {}
    rows = []
    for user_id, email, language, business_name, industry, prefecture, employees in memberships.iterator(chunk_size=10000):
        key = (industry, prefecture, employees)
        if key not in cache:
            cache[key] = [items[p.pk] for p in _eligible(fresh, industry=industry, prefecture=prefecture, employees=employees)[:DIGEST_PROGRAMS]]
        rows.append({"to_user_id": user_id, "to_email": email, "language": language, "template": "weekly_digest",
                     "category": Category.DIGEST, "idempotency_key": f"digest:{user_id}:{week_label}",
                     "context": {"business_name": business_name, "week": week_label, "programs": cache[key]}})
    return mail_enqueue_bulk(rows)


