"""Every bench/ script keeps working (issue 16): each runs at a small scale against the real
PostgreSQL and Redis, so that a schema change (a new NOT NULL column, a renamed field) cannot
break a benchmark silently.

The benches create their own scratch databases. To keep each run short they clone one
migrated template (MIRASAPO_BENCH_TEMPLATE, core.bulk.scratch_database_create) instead of
migrating each: the template is named by a hash of the migrations, made once and reused
until a migration changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

# Under pytest-xdist every smoke run stays on one worker: they share one template database
# (made once, then cloned, and PostgreSQL cannot clone a template another session is
# connected to) and one directory of collected static files.
pytestmark = pytest.mark.xdist_group("bench-smoke")

ROOT = Path(__file__).resolve().parents[1]

# Each script's smallest meaningful run; every bench/*.py (not _private helpers) must be here.
SMOKE_ARGS: dict[str, list[str]] = {
    "consent.py": ["--businesses", "300", "--decisions", "2000"],
    "dashboard.py": ["--applications", "2000"],
    "disclosure.py": ["--companies", "200"],
    "documents.py": ["--uploads", "1", "--documents", "20"],
    "extract.py": ["--applications", "2000"],
    "load.py": ["--duration", "2", "--floor-duration", "1", "--connections", "4", "--companies", "20"],
    "mail.py": ["--businesses", "50", "--throughput", "5"],
    "matching.py": ["--businesses", "300", "--records", "300"],
    "pages.py": ["--companies", "30", "--rounds", "1", "--duration", "1", "--connections", "4"],
    "pdf.py": ["--count", "1"],
    "recommend.py": ["--companies", "80", "--sample", "10"],
    "search.py": ["--seconds", "1", "--clients", "2"],
    "seed.py": ["--companies", "30"],
}
# load.py and pages.py serve static files collected with the production storage: the
# suite's one collection (tests/conftest.py collected_static).
STATIC_USERS = {"load.py", "pages.py"}


def _owner_url() -> str:
    url = os.environ.get("MIGRATION_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url:
        pytest.skip("no DATABASE_URL")
    return url


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _base_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("PYTEST_", "MIRASAPO_TESTING", "DJANGO_")) and k != "MIRASAPO_DATABASE_AS_OWNER"}


def _migrations_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@pytest.fixture(scope="module")
def bench_template() -> str:
    import psycopg
    from psycopg import sql

    owner = _owner_url()
    name = f"bench_template_{_migrations_hash()}"
    admin = _with_db(owner, "postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            for (old,) in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_template\\_%%'").fetchall():
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(old)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(f"{name}_tmp")))
    if not exists:
        # Migrated as the deployment does (manage.py migrate as the owner role, granting the
        # application role what it may do), so that clones serve gunicorn as that role.
        env = {**_base_env(), "MIGRATION_DATABASE_URL": _with_db(owner, f"{name}_tmp")}
        if os.environ.get("DATABASE_URL"):
            env["DATABASE_URL"] = _with_db(os.environ["DATABASE_URL"], f"{name}_tmp")
        done = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr[-3000:]
        with psycopg.connect(admin, autocommit=True) as conn:  # renamed only when complete
            conn.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(f"{name}_tmp"), sql.Identifier(name)))
    return name


def test_every_bench_script_has_a_smoke_run():
    scripts = {p.name for p in (ROOT / "bench").glob("*.py") if not p.name.startswith("_")}
    assert scripts == set(SMOKE_ARGS)


@pytest.mark.parametrize("script", sorted(SMOKE_ARGS))
def test_bench_script_runs_at_small_scale(script, bench_template, collected_static):
    args = list(SMOKE_ARGS[script])
    if script in STATIC_USERS:
        args += ["--static-root", str(collected_static)]
    env = {**_base_env(), "MIRASAPO_BENCH_TEMPLATE": bench_template, "LOG_LEVEL": "WARNING"}
    done = subprocess.run([sys.executable, f"bench/{script}", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert "Traceback" not in output, output[-4000:]
