#!/usr/bin/env python
"""Consent benchmark: single decisions per second and the set-based filter.

    DATABASE_URL=postgres://... .venv/bin/python bench/consent.py [--businesses 100000]

Creates a scratch database next to the one named by DATABASE_URL (`<name>_bench_consent`),
migrates it, bulk-seeds the businesses (a tenth of them with 1-3 narrowings, 5% with a
support-institution grant), measures, and drops the scratch database again.

Figures printed:
- decisions/s in one process, warm, with a ConsentContext loaded once over all
  businesses (in-memory decisions only), and with one context per batch of 1,000
  businesses (loading included: what a list page or an extract batch does);
- decisions/s of the single `decide()` function, which loads the policy version,
  the narrowings (and grants) of one business on every call;
- the time to filter all businesses for one (P, C, R) with businesses_allowing,
  materialising every id, and counting, for a plain pair, a researcher pair and an
  institution pair (median of 5 warm runs).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _scratch_url(url: str) -> tuple[str, str, str]:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/") or "mirasapo"
    scratch = f"{name}_bench_consent"
    admin = urlunparse(parsed._replace(path="/postgres"))
    return admin, scratch, urlunparse(parsed._replace(path=f"/{scratch}"))


def _admin_sql(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql)


def _timed(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def seed(n: int, rng: random.Random) -> dict:
    from django.db import transaction

    from accounts.models import ResearcherProfile, User
    from companies.models import Business
    from companies.validators import make_corporate_number
    from consent.access import policy_table
    from consent.models import InstitutionGrant, Narrowing
    from institutions.models import Institution

    table = policy_table()
    pairs = sorted({(c, r, p) for p, (classes, recipients) in table.purposes.items() for c in classes for r in recipients if r != 7})
    started = time.perf_counter()
    with transaction.atomic():
        batch = 10_000
        for start in range(0, n, batch):
            Business.objects.bulk_create(
                [Business(corp_type=1, corporate_number=make_corporate_number(f"{i + 100_000_000_000:012d}"), name=f"ベンチ商事{i}",
                          prefecture=f"{rng.randint(1, 47):02d}", industry_jsic="58") for i in range(start, min(n, start + batch))],
                batch_size=batch,
            )
        ids = list(Business.objects.order_by("pk").values_list("pk", flat=True))
        narrowed = rng.sample(ids, n // 10)
        narrowings = []
        for business_id in narrowed:
            for c, r, p in rng.sample(pairs, rng.randint(1, 3)):
                narrowings.append(Narrowing(business_id=business_id, data_class=c, recipient=r, purpose=rng.choice([None, p])))
        Narrowing.objects.bulk_create(narrowings, batch_size=10_000, ignore_conflicts=True)
        institution = Institution.objects.create(name="ベンチ商工会", kind="shokokai", prefecture="13")
        import datetime as dt

        today = dt.date.today()
        InstitutionGrant.objects.bulk_create(
            [InstitutionGrant(business_id=b, institution=institution, purpose=6, data_classes=[1, 6, 11],
                              valid_from=today - dt.timedelta(days=1), valid_until=today + dt.timedelta(days=90),
                              disclosure_request_id=k)
             for k, b in enumerate(rng.sample(ids, n // 20))],
            batch_size=10_000,
        )
        researcher = User.objects.create_user(email="bench-researcher@example.jp", password=None, kind=User.Kind.RESEARCHER)
        ResearcherProfile.objects.create(user=researcher, affiliation="ベンチ大学", pledge_status=ResearcherProfile.PledgeStatus.APPROVED)
        staff = User.objects.create_user(email="bench-staff@example.jp", password=None, kind=User.Kind.INSTITUTION_STAFF, institution=institution)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"ids": ids, "narrowings": len(narrowings), "institution": institution, "researcher": researcher, "staff": staff,
            "seconds": time.perf_counter() - started}


def bench(data: dict, rng: random.Random, decisions: int) -> None:
    from companies.models import Business
    from consent.access import (
        ConsentContext,
        SystemRecipient,
        businesses_allowing,
        decide,
    )

    ids = data["ids"]
    institution = data["institution"]
    viewers = {4: data["researcher"], 5: data["staff"]}
    # Questions: random businesses, triples weighted towards ones the table allows.
    triples = [(p, c, r) for p in range(1, 10) for c in range(1, 14) for r in range(1, 9) if r != 7]
    questions = [(rng.choice(ids), *rng.choice(triples)) for _ in range(decisions)]
    _ = data["researcher"].researcher_profile  # the viewer's profile, as a request would have it

    start = time.perf_counter()
    context = ConsentContext(ids, institution_id=institution.pk)
    load_all = time.perf_counter() - start
    for b, p, c, r in questions[:1000]:  # warm up
        context.decide(b, purpose=p, data_class=c, recipient=r, viewer=viewers.get(r))
    start = time.perf_counter()
    allowed = 0
    for b, p, c, r in questions:
        allowed += context.decide(b, purpose=p, data_class=c, recipient=r, viewer=viewers.get(r)).allowed
    in_memory = len(questions) / (time.perf_counter() - start)
    print(f"ConsentContext over all {len(ids):,} businesses: load {load_all * 1000:.0f} ms, "
          f"then {in_memory:,.0f} decisions/s in memory ({allowed:,} of {len(questions):,} allowed)")

    by_batch = sorted(questions[:200_000])
    start = time.perf_counter()
    count = 0
    for i in range(0, len(by_batch), 1000):
        chunk = by_batch[i:i + 1000]
        batch_context = ConsentContext({q[0] for q in chunk}, institution_id=institution.pk)
        for b, p, c, r in chunk:
            batch_context.decide(b, purpose=p, data_class=c, recipient=r, viewer=viewers.get(r))
            count += 1
    batched = count / (time.perf_counter() - start)
    print(f"ConsentContext per batch of 1,000 decisions (loading included): {batched:,.0f} decisions/s")

    single = questions[:2000]
    start = time.perf_counter()
    for b, p, c, r in single:
        decide(business_id=b, purpose=p, data_class=c, recipient=r, viewer=viewers.get(r), institution_id=institution.pk)
    per_call = len(single) / (time.perf_counter() - start)
    print(f"decide() with its per-call loading (1 query each, 2 for recipient 5): {per_call:,.0f} decisions/s")

    for label, kwargs in [
        ("P2 C6 R2 (intra-government sharing, financials, SME Agency)",
         {"purpose": 2, "data_class": 6, "viewer": SystemRecipient(2, "bench")}),
        ("P1 C6 R4 (EBPM, financials, researchers)", {"purpose": 1, "data_class": 6, "viewer": data["researcher"]}),
        ("P6 C6 R5 (consultation, financials, one institution)", {"purpose": 6, "data_class": 6, "viewer": data["staff"]}),
    ]:
        def ids_of(kwargs=kwargs):
            return list(businesses_allowing(Business.objects.all(), **kwargs).values_list("pk", flat=True))

        def count_of(kwargs=kwargs):
            return businesses_allowing(Business.objects.all(), **kwargs).count()

        result = ids_of()
        fetch = _timed(ids_of)
        counted = _timed(count_of)
        print(f"businesses_allowing {label}: {len(result):,} of {len(ids):,} businesses; "
              f"all ids in {fetch * 1000:.0f} ms, count in {counted * 1000:.0f} ms (median of 5)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--businesses", type=int, default=100_000)
    parser.add_argument("--decisions", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    # The scratch database is created and filled by the owner role when there is one (the
    # application role may not create databases); the bench then runs as that role alone.
    source = os.environ.pop("MIGRATION_DATABASE_URL", None) or os.environ.get("DATABASE_URL")
    if not source:
        print("Set DATABASE_URL (the scratch database is created beside it).", file=sys.stderr)
        return 2
    admin_url, scratch, scratch_url = _scratch_url(source)
    from core.bulk import scratch_database_create

    cloned = scratch_database_create(admin_url, scratch)
    os.environ["DATABASE_URL"] = scratch_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mirasapo.settings")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        start = time.perf_counter()
        if not cloned:
            call_command("migrate", verbosity=0)
        print(f"scratch database {scratch} {'cloned' if cloned else 'migrated'} in {time.perf_counter() - start:.1f} s")
        rng = random.Random(args.seed)
        data = seed(args.businesses, rng)
        print(f"seeded {len(data['ids']):,} businesses, {data['narrowings']:,} narrowings on a tenth of them, "
              f"{len(data['ids']) // 20:,} institution grants, in {data['seconds']:.1f} s")
        bench(data, rng, args.decisions)
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # django may not have started
            pass
        _admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{scratch}"')
        print(f"dropped {scratch}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
