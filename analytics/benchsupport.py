"""Helpers of bench/dashboard.py and bench/extract.py: a scratch database created next to
the one DATABASE_URL names and dropped afterwards, and COPY-based seeding at scale.

Not imported by the application; the benches call `scratch_database()` before
django.setup() so that Django connects to the scratch database only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
import time
from urllib.parse import urlparse, urlunparse


@contextlib.contextmanager
def scratch_database(suffix: str):
    """Create <db>_bench_<suffix>, point DATABASE_URL at it, set Django up, migrate;
    drop it on the way out."""
    import psycopg

    # The scratch database is created, migrated and seeded by the owner role when there is one
    # (MIGRATION_DATABASE_URL, like migrate; the application role may not create databases).
    url = os.environ.get("MIGRATION_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("Set DATABASE_URL (the scratch database is created next to it).")
    parsed = urlparse(url)
    name = f"{parsed.path.lstrip('/')}_bench_{suffix}"
    admin_url = urlunparse(parsed._replace(path="/postgres"))
    from core.bulk import scratch_database_create

    cloned = scratch_database_create(admin_url, name)
    scratch_url = urlunparse(parsed._replace(path=f"/{name}"))
    os.environ["DATABASE_URL"] = scratch_url
    if os.environ.get("MIGRATION_DATABASE_URL"):
        os.environ["MIGRATION_DATABASE_URL"] = scratch_url
    os.environ.setdefault("MIRASAPO_DATABASE_AS_OWNER", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mirasapo.settings")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        started = time.monotonic()
        if not cloned:
            call_command("migrate", verbosity=0)
        print(f"scratch database {name}: {'cloned' if cloned else 'migrated'} in {time.monotonic() - started:.1f}s")
        yield name
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"scratch database {name} dropped")


def _filled_defaults(model, columns: list[str]) -> tuple[list[str], tuple]:
    """The NOT NULL columns of `model` that `columns` leaves out, with their model defaults
    (blank "" for a text field without one), so that a field added later with a default
    cannot make the COPY fail with NotNullViolation."""
    from django.db import connection
    from django.db.models import NOT_PROVIDED

    extra, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in columns or field.null or field.primary_key:
            continue
        if field.default is NOT_PROVIDED and field.db_default is NOT_PROVIDED and not field.empty_strings_allowed:
            raise ValueError(f"{model._meta.label}.{field.name} is NOT NULL without a default: give it a value in the bench seeder")
        if field.default is NOT_PROVIDED and field.db_default is not NOT_PROVIDED:
            continue  # the database fills it
        value = field.get_default()
        prepared = field.get_db_prep_save(value, connection)
        if hasattr(prepared, "as_sql") or hasattr(prepared, "resolve_expression"):
            continue
        if field.get_internal_type() == "JSONField":
            prepared = json.dumps(value)
        extra.append(field.column)
        values.append(prepared)
    return extra, tuple(values)


def _copy(model, columns: list[str], rows) -> int:
    """COPY rows (tuples in `columns` order) into the model's table; NOT NULL columns left out
    get their model default."""
    from django.db import connection

    table = model._meta.db_table
    extra, defaults = _filled_defaults(model, columns)
    count = 0
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        with cursor.copy(f'COPY "{table}" ({", ".join([*columns, *extra])}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row((*row, *defaults) if defaults else row)
                count += 1

    return count


PREFS = [f"{i:02d}" for i in range(1, 48)]
PREF_WEIGHTS = [12 if p == "13" else 7 if p == "27" else 6 if p in ("23", "14") else 3 if p in ("11", "28", "40") else 1 for p in PREFS]
INDUSTRIES = ["06", "09", "24", "26", "39", "44", "52", "58", "60", "72", "75", "76", "78", "83", "85"]
PROGRAMS = [("jizokuka_general", 0.45), ("monodukuri", 0.25), ("it_donyu", 0.25), ("keieiryoku_kojo", 0.05)]


def seed_scale(*, applications: int = 1_000_000, per_business: int = 5, seed: int = 1, analyze: bool = True) -> dict:
    """Businesses (applications / per_business), six fiscal years of financials each,
    `applications` applications over FY2020-2024, 1 % of businesses with a narrowing; then
    ANALYZE (analyze=False leaves the statistics as they were: the plan-shape test's state
    after a bulk load)."""
    from django.db import connection

    from applications.models import Application
    from companies.models import Business, FinancialYear
    from consent.access import RESEARCHERS, SME_AGENCY
    from consent.registry import FINANCIALS, IDENTITY, PROGRAM_USAGE, REVIEW
    from consent.services import consent_narrowings_seed

    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    n_business = applications // per_business
    timings = {}

    started = time.monotonic()
    first_id = 1

    def businesses():
        for i in range(n_business):
            pref = rng.choices(PREFS, PREF_WEIGHTS)[0]
            yield (first_id + i, now, now, 1, f"{1_000_000_000_000 + i:013d}", f"ベンチ株式会社{i}", "", pref, "", "", "", "", rng.randint(0, 60),
                   10_000_000, 1, 1990, rng.choice(INDUSTRIES))

    _copy(Business, ["id", "created_at", "updated_at", "corp_type", "corporate_number", "name", "name_kana", "prefecture",
                     "municipality", "address", "representative_name", "phone", "employees", "capital", "offices",
                     "founded_year", "industry_jsic"], businesses())
    timings["businesses"] = time.monotonic() - started

    started = time.monotonic()

    def financials():
        for i in range(n_business):
            base = rng.uniform(10e6, 200e6)
            for year in range(2019, 2025):
                sales = int(base * rng.uniform(0.9, 1.1))
                yield (now, now, "demo", "", now, first_id + i, year, sales, int(sales * 0.3), int(sales * 0.05), int(sales * 0.045),
                       int(sales * 0.03), int(sales * 0.02), int(sales * 0.2), int(sales * 0.8), int(sales * 0.3))

    _copy(FinancialYear, ["created_at", "updated_at", "source", "source_detail", "recorded_at", "business_id", "fiscal_year", "sales",
                          "gross_profit", "operating_profit", "ordinary_profit", "net_income", "depreciation", "personnel_cost",
                          "total_assets", "net_assets"], financials())
    timings["financials"] = time.monotonic() - started

    started = time.monotonic()
    programs, weights = zip(*PROGRAMS, strict=True)

    def apps():
        for i in range(applications):
            program = rng.choices(programs, weights)[0]
            procedure = program == "keieiryoku_kojo"
            year = rng.randint(2020, 2024)
            if procedure:
                status, result, score, granted, certified = "certified", "", None, None, dt.date(year, 10, 1)
            else:
                adopted = rng.random() < 0.55
                status = "adopted" if adopted else "not_adopted"
                result, score, certified = status, rng.randint(30, 100), None
                granted = rng.choice([500_000, 1_000_000, 2_000_000]) if adopted else None
            yield (now, now, first_id + (i % n_business), program, procedure, None if procedure else (year - 2019) * 2 - rng.randint(0, 1),
                   year, year, status, f"B{i:012d}", f"ベンチ計画{i}", "{}", rng.choice([500_000, 1_000_000, 3_000_000]), granted,
                   score, result, procedure and rng.random() < 0.5, certified)

    _copy(Application, ["created_at", "updated_at", "business_id", "program", "is_procedure", "round_number", "fiscal_year",
                        "implementation_fiscal_year", "status", "receipt_number", "plan_title", "content", "requested_amount",
                        "granted_amount", "review_score", "review_result", "data_use_consent", "certified_on"], apps())
    timings["applications"] = time.monotonic() - started

    narrowed = rng.sample(range(first_id, first_id + n_business), k=max(1, n_business // 100))
    consent_narrowings_seed(
        denials_by_business={b: {(rng.choice([IDENTITY, FINANCIALS, REVIEW, PROGRAM_USAGE]), rng.choice([SME_AGENCY, RESEARCHERS]), None)} for b in narrowed}
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('companies_business', 'id'), (SELECT max(id) FROM companies_business))")
        if analyze:
            cursor.execute("ANALYZE")
    return {"businesses": n_business, "applications": applications, "timings": timings}


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
