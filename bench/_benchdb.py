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
    from django.db import connection

    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{connection.settings_dict['NAME']}_{name}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
    try:
        yield connection.settings_dict["NAME"]
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
