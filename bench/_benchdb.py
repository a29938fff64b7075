"""A throw-away database for a benchmark: created next to DATABASE_URL's database (named
bench_<name>), migrated, and dropped afterwards, so a benchmark never touches real data."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mirasapo.settings")
    # A benchmark creates and drops its own database: it connects as the owner role
    # (MIGRATION_DATABASE_URL) when there is one, like migrate (core/dbroles.py).
    os.environ.setdefault("MIRASAPO_DATABASE_AS_OWNER", "1")
    import django

    django.setup()


@contextlib.contextmanager
def bench_database(name: str):
    """bench_<db>_<name>: created (cloned from MIRASAPO_BENCH_TEMPLATE when set, else
    migrated), the default connection pointed at it, and dropped on the way out."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from psycopg import conninfo

    from core.bulk import scratch_database_create

    db = connection.settings_dict
    old_name = db["NAME"]
    scratch = f"bench_{old_name}_{name}"
    admin = conninfo.make_conninfo(host=db["HOST"] or "127.0.0.1", port=str(db["PORT"] or 5432), user=db["USER"],
                                   password=db.get("PASSWORD") or None, dbname="postgres")
    connection.close()
    cloned = scratch_database_create(admin, scratch)
    db["NAME"] = settings.DATABASES["default"]["NAME"] = scratch
    try:
        if not cloned:
            call_command("migrate", verbosity=0)
        yield scratch
    finally:
        connection.close()
        db["NAME"] = settings.DATABASES["default"]["NAME"] = old_name
        import psycopg
        from psycopg import sql

        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch)))
