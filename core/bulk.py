"""Fast bulk inserts with PostgreSQL COPY, for demo data and benchmarks.

Django's bulk_create spends most of its time preparing each value in Python (about
100 µs a row for a 20-column model); COPY takes the rows as they are. Fields with
auto_now/auto_now_add get the current time when not given; other defaults are applied
from the model field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, models
from django.utils import timezone


def copy_insert(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert rows (dicts of field name → Python value; a ForeignKey by its `<name>_id`)."""
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.column is not None]
    columns = [f.column for f in fields if f.column is not None]
    count = 0
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                values = []
                for field in fields:
                    if field.attname in row:
                        value = row[field.attname]
                    elif field.name in row:
                        value = row[field.name]
                    elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                        value = now
                    elif field.has_default():
                        value = field.get_default()
                    else:
                        value = None
                    values.append(field.get_db_prep_save(value, connection) if isinstance(value, (dict, list)) else value)
                copy.write_row(values)
                count += 1
    return count


def analyze(*models_or_tables: type[Any] | str) -> None:
    """Fresh planner statistics after a bulk load: ANALYZE the tables of the given models
    (or table names); with none, the whole database. Autovacuum would get there later, but
    until it does the planner estimates a freshly filled table as nearly empty and can pick
    a nested-loop plan that is orders of magnitude slower (the consent filters' NOT EXISTS
    anti-joins, issue 16). A table this role may not analyze is skipped by PostgreSQL with a
    warning, not an error."""
    names = [m if isinstance(m, str) else m._meta.db_table for m in models_or_tables]
    with connection.cursor() as cursor:
        if not names:
            cursor.execute("ANALYZE")
            return
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(n) for n in names))


def scratch_database_create(admin_url: str, name: str) -> bool:
    """(Re)create database `name` on the server of `admin_url` (a connection string to a
    maintenance database). With MIRASAPO_BENCH_TEMPLATE set it is cloned from that database,
    already migrated (the benches' smoke tests migrate one template per set of migrations);
    returns True then, and the caller skips `migrate`."""
    import os

    import psycopg
    from psycopg import sql

    template = os.environ.get("MIRASAPO_BENCH_TEMPLATE", "")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if template:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template)))
        else:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return bool(template)
