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

import numpy as np
from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership
from companies.models import Business, Challenge
from companies.reference import jsic_major_of
from core.bulk import copy_insert
from core.demo import DemoContext
from programs.models import CaseStudy, SupportProgram, size_band_of

from .models import Favourite, SavedSearch, ViewEvent

ACTIVE_SHARE = 0.7


def _weighted_sample(rng, items: list, weights, k: int) -> list:
    """k distinct items, each drawn with probability ∝ weight (Efraimidis-Spirakis keys).

    The uniform draws come from a NumPy generator seeded from the shared one, so the
    sample stays deterministic for a given --seed."""
    weights = np.asarray(weights, dtype=float)
    if not len(items):
        return []
    uniform = np.random.default_rng(rng.getrandbits(64)).random(len(items))
    keys = np.where(weights > 0, uniform ** (1.0 / np.where(weights > 0, weights, 1.0)), -1.0)
    order = np.argsort(-keys, kind="stable")[:k]
    return [items[i] for i in order if keys[i] >= 0]


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
    # Case-study attributes as arrays, so that each business's weights over all case
    # studies are one vectorised expression (10,000 businesses x 520 items in seconds).
    theme_bit = {theme: 1 << i for i, theme in enumerate(Challenge.Theme.values)}
    case_industry = np.array([c.industry_jsic for c in cases])
    case_major = np.array([jsic_major_of(c.industry_jsic) for c in cases])
    case_prefecture = np.array([c.prefecture for c in cases])
    case_band = np.array([c.size_band for c in cases])
    case_mask = np.array([sum(theme_bit.get(t, 0) for t in c.themes) for c in cases], dtype=np.int64)
    case_popularity = np.array([case_pop[c.pk] for c in cases])
    popcount = np.array([bin(m).count("1") for m in range(1 << len(theme_bit))])
    favourites: list[Favourite] = []
    views: list[dict] = []
    now = timezone.now()
    for b in businesses:
        if b.pk not in (ctx.owner_business_id, ctx.soloist_business_id) and rng.random() > ACTIVE_SHARE:
            continue
        themes = themes_of.get(b.pk, set())
        major = jsic_major_of(b.industry_jsic)
        band = size_band_of(b.employees)
        same_industry = case_industry == b.industry_jsic
        overlap = popcount[case_mask & sum(theme_bit.get(t, 0) for t in themes)]
        case_weights = (
            0.15
            + 3.0 * same_industry
            + 0.8 * (~same_industry & (case_major == major))
            + 3.0 * overlap
            + 4.0 * (same_industry & (overlap > 0))
            + 0.5 * (case_prefecture == b.prefecture)
            + 0.4 * (case_band == band)
        ) * case_popularity
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
            views.append({"business_id": b.pk, "user_id": user_id, "case_study_id": item.pk, "program_id": None})
        for item in chosen_programs:
            favourites.append(Favourite(business_id=b.pk, saved_by_id=user_id, program_id=item.pk))
            views.append({"business_id": b.pk, "user_id": user_id, "program_id": item.pk, "case_study_id": None})
        # Browsing without saving, drawn the same way.
        for item in _weighted_sample(rng, cases, case_weights, rng.randint(2, 8)):
            views.append({"business_id": b.pk, "user_id": user_id, "case_study_id": item.pk, "program_id": None})
    Favourite.objects.bulk_create(favourites, batch_size=5000, ignore_conflicts=True)
    # The view history is spread over the last four months.
    for offset, view in enumerate(views):
        view["viewed_at"] = now - dt.timedelta(hours=(offset * 7919) % (24 * 120))
    copy_insert(ViewEvent, views)
    owner = ctx.users.get("owner@demo.mirasapo.jp")
    if owner is not None:
        SavedSearch.objects.get_or_create(user=owner, name="宮城県の設備投資支援",
                                          defaults={"params": {"prefecture": "04", "q": "設備"}, "email_alerts": True,
                                                    "alerted_until": now - dt.timedelta(days=7)})
    ctx.say(f"  {len(favourites)} favourites, {len(views)} views")
