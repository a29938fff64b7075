"""Offline evaluation of the recommendations (seed 001: コンテンツベース + 協調フィルタリング).

Seeds the demo data set (companies, programs, case studies, behaviour) into a throw-away
database, holds out 30% of the favourites of every business with at least 5, removes
those items from the business's history (favourites and views), and ranks for a sample
of those businesses with the blend, content only, collaborative only and popularity
alone (most-saved eligible items). Prints precision@5 and recall@10 per item kind.

    .venv/bin/python bench/recommend.py [--companies 1500] [--sample 250] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import time

from _benchdb import bench_database, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--companies", type=int, default=1500)
    parser.add_argument("--sample", type=int, default=250)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    setup_django()
    with bench_database("recommend"):
        run(args)


def run(args) -> None:
    import importlib

    from django.conf import settings
    from django.db import transaction

    from companies.models import Business
    from core.demo import DemoContext
    from recommend.engine import popular
    from recommend.engine import recommend as recommend_for
    from recommend.models import Favourite, ViewEvent

    seeders = [importlib.import_module(f"{app}.demo") for app in ("companies", "programs", "recommend")]

    started = time.monotonic()
    ctx = DemoContext(rng=random.Random(args.seed), companies=args.companies, password=settings.DEMO_PASSWORD)
    with transaction.atomic():
        for module in seeders:
            module.seed(ctx)
    print(f"seeded {args.companies} businesses in {time.monotonic() - started:.1f}s; "
          f"{Favourite.objects.count()} favourites, {ViewEvent.objects.count()} views")

    rng = random.Random(args.seed + 1)
    by_business: dict[int, list[Favourite]] = {}
    for fav in Favourite.objects.order_by("pk"):
        by_business.setdefault(fav.business_id, []).append(fav)
    held: dict[int, set[tuple[str, int]]] = {}
    for business_id, favs in by_business.items():
        if len(favs) < 5:
            continue
        out = rng.sample(favs, k=max(1, round(len(favs) * 0.3)))
        held[business_id] = {("program", f.program_id) if f.program_id else ("case_study", f.case_study_id) for f in out}
        for f in out:
            ViewEvent.objects.filter(business_id=business_id, program_id=f.program_id, case_study_id=f.case_study_id).delete()
            f.delete()
    evaluated = rng.sample(sorted(held), k=min(args.sample, len(held)))
    print(f"held out {sum(len(v) for v in held.values())} favourites of {len(held)} businesses; evaluating {len(evaluated)}")

    variants = {
        "blend": lambda b: recommend_for(b, limit=10),
        "content only": lambda b: recommend_for(b, limit=10, cf_weight=0.0, content_weight=1.0),
        "collaborative only": lambda b: recommend_for(b, limit=10, cf_weight=1.0, content_weight=0.0),
    }
    totals = {name: {"program": [0.0, 0.0, 0], "case_study": [0.0, 0.0, 0]} for name in [*variants, "popularity"]}
    timings = {name: 0.0 for name in totals}
    businesses = Business.objects.in_bulk(evaluated)
    for business_id in evaluated:
        business = businesses[business_id]
        truth = held[business_id]
        for name, fn in variants.items():
            t = time.monotonic()
            result = fn(business)
            timings[name] += time.monotonic() - t
            ranked = {kind: [r.item.pk for r in items] for kind, items in result.items()}
            _score(totals[name], ranked, truth)
        t = time.monotonic()
        _score(totals["popularity"], popular(business, limit=10), truth)
        timings["popularity"] += time.monotonic() - t

    print()
    print(f"{'method':<20} {'kind':<11} {'precision@5':>12} {'recall@10':>10} {'users':>6} {'ms/call':>8}")
    for name, kinds in totals.items():
        for kind, (p5, r10, n) in kinds.items():
            if n:
                print(f"{name:<20} {kind:<11} {p5 / n:>12.3f} {r10 / n:>10.3f} {n:>6} {1000 * timings[name] / len(evaluated):>8.1f}")
    for kind in ("program", "case_study"):
        blend, pop = totals["blend"][kind], totals["popularity"][kind]
        if blend[2]:
            verdict = "beats" if blend[0] > pop[0] and blend[1] > pop[1] else "does NOT beat"
            print(f"{kind}: the blend {verdict} popularity (precision@5 {blend[0] / blend[2]:.3f} vs {pop[0] / pop[2]:.3f}, "
                  f"recall@10 {blend[1] / blend[2]:.3f} vs {pop[1] / pop[2]:.3f})")


def _score(acc, ranked: dict[str, list[int]], truth: set[tuple[str, int]]) -> None:
    for kind in ("program", "case_study"):
        relevant = {item for k, item in truth if k == kind}
        if not relevant:
            continue
        items = ranked.get(kind, [])
        acc[kind][0] += len(set(items[:5]) & relevant) / 5
        acc[kind][1] += len(set(items[:10]) & relevant) / len(relevant)
        acc[kind][2] += 1


if __name__ == "__main__":
    main()
