"""Demo behaviour for the recommendations: favourites (マイ事例集) and view history of the
demo businesses, plus a saved search for owner@.

Behaviour follows each business's own situation, so that the collaborative part has real
signal and the offline evaluation (bench/recommend.py) is meaningful: a business mostly
saves items of its own industry and challenge themes (and eligible programs), with a
common "popularity" factor per item and some noise.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership
from companies.models import Business, Challenge
from companies.reference import jsic_major_of
from core.demo import DemoContext
from programs.models import CaseStudy, SupportProgram, size_band_of

from .models import Favourite, SavedSearch, ViewEvent

ACTIVE_SHARE = 0.7


def _weighted_sample(rng, items: list, weights: list[float], k: int) -> list:
    """k distinct items, each drawn with probability ∝ weight (Efraimidis-Spirakis keys)."""
    keyed = [(rng.random() ** (1.0 / w), item) for item, w in zip(items, weights, strict=True) if w > 0]
    keyed.sort(key=lambda t: t[0], reverse=True)
    return [item for _key, item in keyed[:k]]


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    today = timezone.localdate()
    businesses = list(Business.objects.filter(pk__in=ctx.business_ids).only("id", "industry_jsic", "prefecture", "employees"))
    themes_of: dict[int, set[str]] = defaultdict(set)
    for business_id, theme in Challenge.objects.filter(business_id__in=ctx.business_ids).values_list("business_id", "theme"):
        themes_of[business_id].add(theme)
    cases = list(CaseStudy.objects.only("id", "industry_jsic", "prefecture", "size_band", "themes"))
    programs = list(SupportProgram.objects.filter(Q(deadline__isnull=True) | Q(deadline__gte=today))
                    .only("id", "industries", "prefectures", "min_employees", "max_employees", "themes"))
    case_pop = {c.pk: math.exp(rng.gauss(0, 0.6)) for c in cases}
    program_pop = {p.pk: math.exp(rng.gauss(0, 0.6)) for p in programs}
    saver = {m.business_id: m.user_id for m in Membership.objects.filter(business_id__in=ctx.business_ids)}
    favourites: list[Favourite] = []
    views: list[ViewEvent] = []
    now = timezone.now()
    for b in businesses:
        if b.pk not in (ctx.owner_business_id, ctx.soloist_business_id) and rng.random() > ACTIVE_SHARE:
            continue
        themes = themes_of.get(b.pk, set())
        major = jsic_major_of(b.industry_jsic)
        band = size_band_of(b.employees)
        case_weights = []
        for c in cases:
            w = 0.15
            overlap = len(themes & set(c.themes))
            if c.industry_jsic == b.industry_jsic:
                w += 3.0
            elif jsic_major_of(c.industry_jsic) == major:
                w += 0.8
            w += 3.0 * overlap
            if c.industry_jsic == b.industry_jsic and overlap:
                w += 4.0
            if c.prefecture == b.prefecture:
                w += 0.5
            if c.size_band == band:
                w += 0.4
            case_weights.append(w * case_pop[c.pk])
        eligible = [p for p in programs
                    if (not p.prefectures or b.prefecture in p.prefectures) and (not p.industries or b.industry_jsic in p.industries)
                    and (p.min_employees is None or (b.employees or 0) >= p.min_employees)
                    and (p.max_employees is None or (b.employees or 0) <= p.max_employees)]
        program_weights = []
        for p in eligible:
            w = 0.2 + 4.0 * len(themes & set(p.themes))
            if p.industries:
                w += 2.0
            if p.prefectures:
                w += 1.0
            program_weights.append(w * program_pop[p.pk])
        user_id = saver.get(b.pk)
        chosen_cases = _weighted_sample(rng, cases, case_weights, rng.randint(3, 9))
        chosen_programs = _weighted_sample(rng, eligible, program_weights, rng.randint(2, 6))
        for item in chosen_cases:
            favourites.append(Favourite(business_id=b.pk, saved_by_id=user_id, case_study_id=item.pk))
            views.append(ViewEvent(business_id=b.pk, user_id=user_id, case_study_id=item.pk))
        for item in chosen_programs:
            favourites.append(Favourite(business_id=b.pk, saved_by_id=user_id, program_id=item.pk))
            views.append(ViewEvent(business_id=b.pk, user_id=user_id, program_id=item.pk))
        # Browsing without saving, drawn the same way.
        for item in _weighted_sample(rng, cases, case_weights, rng.randint(2, 8)):
            views.append(ViewEvent(business_id=b.pk, user_id=user_id, case_study_id=item.pk))
    Favourite.objects.bulk_create(favourites, batch_size=5000, ignore_conflicts=True)
    ViewEvent.objects.bulk_create(views, batch_size=5000)
    # Spread the view history over the last months.
    for offset, view in enumerate(views):
        view.viewed_at = now - dt.timedelta(hours=(offset * 7919) % (24 * 120))
    ViewEvent.objects.bulk_update(views, ["viewed_at"], batch_size=5000)
    owner = ctx.users.get("owner@demo.mirasapo.jp")
    if owner is not None:
        SavedSearch.objects.get_or_create(user=owner, name="宮城県の設備投資支援",
                                          defaults={"params": {"prefecture": "04", "q": "設備"}, "email_alerts": True,
                                                    "alerted_until": now - dt.timedelta(days=7)})
    ctx.say(f"  {len(favourites)} favourites, {len(views)} views")
