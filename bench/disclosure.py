#!/usr/bin/env python
"""Benchmark of the disclosure reads at scale.

Seeds N businesses (default 10,000) with six fiscal years each, 10 % of them narrowing
class 1 for support institutions, 200 approved requests of one institution; then times
  - the anonymised company list (first page and a filtered page, with its COUNT),
  - company_data_release (the consent decision, the by-class data, the access-log and
    audit rows), the work behind GET /api/v1/companies/{number},
  - the company's access log.
Everything runs in one transaction that is rolled back at the end: the database named by
DATABASE_URL is left as it was.

    DATABASE_URL=... .venv/bin/python bench/disclosure.py [--companies 10000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mirasapo.settings")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402


class Rollback(Exception):
    pass


def timed(fn, repeat: int) -> tuple[float, float, int]:
    """(median ms, p95 ms, queries of one call)."""
    samples = []
    with CaptureQueriesContext(connection) as ctx:
        fn()
    queries = len(ctx.captured_queries)
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--companies", type=int, default=10_000)
    args = parser.parse_args()

    from accounts.models import Membership, User
    from companies.models import Business, FinancialYear
    from companies.validators import make_corporate_number
    from consent.models import Narrowing
    from disclosure import selectors, services
    from institutions.models import Institution

    n = args.companies
    try:
        with transaction.atomic():
            t0 = time.perf_counter()
            businesses = Business.objects.bulk_create([
                Business(corp_type=1, corporate_number=make_corporate_number(f"{800_000_000_000 + i:012d}"),
                         name=f"ベンチ株式会社{i}", prefecture=f"{1 + i % 47:02d}", industry_jsic=f"{9 + i % 80:02d}",
                         employees=i % 120)
                for i in range(n)
            ], batch_size=5000)
            FinancialYear.objects.bulk_create([
                FinancialYear(business=b, fiscal_year=year, sales=10_000_000 + year, operating_profit=1_000_000,
                              personnel_cost=3_000_000, depreciation=200_000)
                for b in businesses for year in range(2019, 2025)
            ], batch_size=10_000)
            Narrowing.objects.bulk_create([
                Narrowing(business=b, data_class=1, recipient=5) for b in businesses[::10]
            ])
            institution = Institution.objects.create(name="ベンチ商工会", kind="shokokai", prefecture="13")
            # Unusable passwords: hashing hundreds of real ones would be the benchmark.
            staff = User.objects.create(email="bench-staff@example.jp", password="!",
                                        kind=User.Kind.INSTITUTION_STAFF, institution=institution)
            approved = businesses[1:2000:10]
            until = timezone.localdate() + dt.timedelta(days=30)
            primes = User.objects.bulk_create([User(email=f"bench-prime-{i}@example.jp", password="!") for i in range(len(approved))])
            Membership.objects.bulk_create([Membership(user=p, business=b, account_type="prime") for p, b in zip(primes, approved, strict=True)])
            for prime, business in zip(primes, approved, strict=True):
                request = services.disclosure_request_create(actor=staff, corporate_number=business.corporate_number,
                                                             purpose=6, data_classes=[1, 6], valid_until=until)
                services.disclosure_request_decide(actor=prime, request_id=request.pk, decision="approve")
            seed_s = time.perf_counter() - t0
            print(f"seeded {n} businesses, {n * 6} fiscal years, {len(approved)} approvals in {seed_s:.1f}s")

            def first_page():
                qs = selectors.anonymised_company_list(viewer=staff, filters={})
                qs.count()
                list(qs[:20])

            def filtered_page():
                qs = selectors.anonymised_company_list(viewer=staff, filters={"prefecture": "13", "size": "small"})
                qs.count()
                list(qs[:20])

            target = approved[len(approved) // 2]

            def release():
                services.company_data_release(viewer=staff, business_id=target.pk, channel="api")

            def access_log():
                list(selectors.access_log_list(viewer=User.objects.get(membership__business=target))[:20])

            for label, fn, repeat in (
                ("anonymised list, first page + count", first_page, 20),
                ("anonymised list, prefecture+size filter", filtered_page, 20),
                ("company_data_release (classes 1+6, 6 years)", release, 50),
                ("access log, first page", access_log, 20),
            ):
                median, p95, queries = timed(fn, repeat)
                print(f"{label:48s} median {median:7.2f} ms  p95 {p95:7.2f} ms  {queries} queries")
            raise Rollback
    except Rollback:
        print("rolled back: the database is unchanged")


if __name__ == "__main__":
    main()
