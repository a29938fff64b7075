#!/usr/bin/env python
"""Benchmark: `seed_demo --companies 10000` into a scratch database (target: under 60 s).

Creates the database `mirasapo_bench_seed` on the server of DATABASE_URL, migrates it,
times the seeding (every app's seeder that exists in core.demo.SEED_ORDER), prints the
figures and drops the database again.

    DATABASE_URL=postgres://postgres@127.0.0.1:54329/mirasapo .venv/bin/python bench/seed.py [--companies N]
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = "mirasapo_bench_seed"
TARGET_SECONDS = 60.0


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _admin(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(_with_database(url, "postgres").replace(parts.scheme + "://", "postgresql://", 1),
                         autocommit=True) as conn:
        conn.execute(sql)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()

    # The scratch database is created and filled by the owner role when there is one (the
    # application role may not create databases); the bench then runs as that role alone.
    base_url = os.environ.pop("MIGRATION_DATABASE_URL", None) or os.environ.get("DATABASE_URL")
    if not base_url:
        print("Set DATABASE_URL (or run through `make bench`).", file=sys.stderr)
        return 2
    scratch_url = _with_database(base_url, SCRATCH)
    from core.bulk import scratch_database_create

    parts = urlsplit(base_url)
    cloned = scratch_database_create(_with_database(base_url, "postgres").replace(parts.scheme + "://", "postgresql://", 1),
                                     SCRATCH)
    try:
        os.environ["DATABASE_URL"] = scratch_url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mirasapo.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        started = time.monotonic()
        if not cloned:
            call_command("migrate", verbosity=0)
        migrated = time.monotonic() - started

        out = io.StringIO()
        started = time.monotonic()
        call_command("seed_demo", companies=args.companies, seed=args.seed, stdout=out)
        seeded = time.monotonic() - started

        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM companies_business")
            businesses = cursor.fetchone()[0]
        connection.close()

        print(f"seed_demo --companies {args.companies}: {seeded:.1f} s "
              f"(target < {TARGET_SECONDS:.0f} s: {'met' if seeded < TARGET_SECONDS else 'MISSED'})")
        print(f"  businesses created: {businesses}")
        for line in out.getvalue().splitlines():
            if line.strip().startswith("seeded "):
                print(f"  {line.strip()}")
        print(f"  (migrations on the scratch database, not counted: {migrated:.1f} s)")
        return 0 if businesses >= args.companies else 1
    finally:
        _admin(base_url, f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
