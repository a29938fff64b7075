"""Load test of the production shape on this machine, bounded and local.

gunicorn runs the portal with DJANGO_ENV=production, the collected static files and
gunicorn.conf.py unchanged (its workers and threads, as in the Docker image). A client of
CONNECTIONS keep-alive connections on 127.0.0.1 sends a mix of public pages, signed-in
pages and API calls for DURATION seconds and prints requests/s, p50/p95/p99 latency and the
count of 5xx answers (which must be 0: the script exits 1 otherwise). The same client
first measures the bare WSGI floor — a hello-world WSGI app under the same gunicorn
settings — so that the figures can be read against what this machine and client can do
at all.

    .venv/bin/python scripts/devservices.py exec -- .venv/bin/python bench/load.py [--duration 60] [--connections 100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _benchdb import ROOT, bench_database, setup_django  # noqa: E402

HOST = "portal.mirasapo.test"
LOCAL = "127.0.0.1"
PUBLIC = ["/", "/programs/", "/cases/", "/supporters/", "/open-data/", "/eligibility/jizokuka/", "/accounts/login/",
          "/api/v1/policy", "/api/v1/programs", "/api/v1/open-data/adoptions", "/healthz"]
SIGNED_IN = ["/mypage/", "/mypage/api-tokens/", "/mypage/mail/"]
API = ["/api/v1/me", "/api/v1/consent", "/api/v1/access-log", "/api/v1/disclosure-requests", "/api/v1/applications"]
# Roughly what a portal sees: mostly public reading, then signed-in pages and API calls.
MIX = [(PUBLIC, 0.5), (SIGNED_IN, 0.25), (API, 0.25)]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((LOCAL, 0))
        return sock.getsockname()[1]


async def _one_connection(port: int, deadline: float, pick, latencies: list[float], statuses: dict[int, int]) -> None:
    reader = writer = None
    while time.monotonic() < deadline:
        if writer is None:
            reader, writer = await asyncio.open_connection(LOCAL, port)
        path, headers = pick()
        request = f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nX-Forwarded-Proto: https\r\nAccept-Language: ja\r\n{headers}\r\n"
        started = time.perf_counter()
        try:
            writer.write(request.encode())
            status_line = await reader.readline()
            status = int(status_line.split()[1])
            length, close = 0, False
            chunked = False
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "connection" and "close" in value.lower():
                    close = True
                elif name == "transfer-encoding" and "chunked" in value.lower():
                    chunked = True
            if chunked:
                while True:
                    size = int((await reader.readline()).strip() or b"0", 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            elif length:
                await reader.readexactly(length)
        except (ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError):
            status, close = 599, True  # a dropped connection counts as a server error
        latencies.append(time.perf_counter() - started)
        statuses[status] = statuses.get(status, 0) + 1
        if close:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def _load(port: int, connections: int, duration: float, pick) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.monotonic() + duration
    started = time.monotonic()
    await asyncio.gather(*(_one_connection(port, deadline, pick, latencies, statuses) for _ in range(connections)))
    elapsed = time.monotonic() - started
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")

    return {"requests": len(ordered), "rps": len(ordered) / elapsed, "p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99),
            "mean": statistics.fmean(ordered) * 1000 if ordered else float("nan"),
            "5xx": sum(n for s, n in statuses.items() if s >= 500), "statuses": dict(sorted(statuses.items()))}


def _wait_for(port: int, process: subprocess.Popen, timeout: float = 90) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex((LOCAL, port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _gunicorn(app: str, env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    # Only the address is ours; workers, threads and timeouts come from gunicorn.conf.py.
    run_env = {**env, "GUNICORN_BIND": f"{LOCAL}:{port}", "GUNICORN_ACCESSLOG": ""}
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", app], cwd=ROOT, env=run_env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    _wait_for(port, process)
    return process


def _stop(process: subprocess.Popen) -> None:
    import signal

    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _report(name: str, result: dict) -> None:
    print(f"{name:<18} {result['requests']:>8} req  {result['rps']:>8.1f} rps  p50 {result['p50']:>7.1f} ms  "
          f"p95 {result['p95']:>7.1f} ms  p99 {result['p99']:>7.1f} ms  5xx {result['5xx']}  {result['statuses']}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--floor-duration", type=float, default=15.0)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--companies", type=int, default=300)
    parser.add_argument("--static-root", help="reuse static files already collected with the production storage")
    args = parser.parse_args()
    if args.connections > 200 or args.duration > 600:
        raise SystemExit("bounded load only: at most 200 connections for 10 minutes")

    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    with bench_database("load") as name, tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        started = time.monotonic()
        call_command("seed_demo", "--companies", str(args.companies), verbosity=0)
        print(f"seeded {args.companies} companies in {time.monotonic() - started:.0f} s", flush=True)
        db = connection.settings_dict
        app_url = os.environ.get("DATABASE_URL", "")
        if settings.DATABASE_APP_ROLE and app_url:  # the web processes use the application's role
            database_url = app_url.rsplit("/", 1)[0] + f"/{name}"
        else:
            auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
            database_url = f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{name}"
        env = {k: v for k, v in os.environ.items() if k not in {"MIGRATION_DATABASE_URL", "MIRASAPO_DATABASE_AS_OWNER"}}
        env.update({"DJANGO_ENV": "production", "SECRET_KEY": settings.SECRET_KEY, "ALLOWED_HOSTS": f"{HOST},{LOCAL}",
                    "DATABASE_URL": database_url, "REDIS_URL": settings.REDIS_URL,
                    "STATIC_ROOT": args.static_root or str(tmp_path / "static"),
                    "LOG_LEVEL": "WARNING", "CELERY_TASK_ALWAYS_EAGER": "false"})
        if not (args.static_root and (Path(args.static_root) / "staticfiles.json").exists()):
            collect = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                                     capture_output=True, text=True)
            if collect.returncode:
                raise SystemExit(collect.stderr)

        from django.contrib.auth import get_user_model
        from django.test import Client

        from accounts.services import api_token_issue

        user = get_user_model().objects.get(email="member@demo.mirasapo.jp")
        client = Client()
        client.force_login(user)
        cookie = f"Cookie: sessionid={client.session.session_key}\r\n"
        _token, key = api_token_issue(user=user, name="bench")
        token = f"Authorization: Token {key}\r\n"
        rng = random.Random(12)

        def pick():
            r = rng.random()
            paths = PUBLIC if r < MIX[0][1] else SIGNED_IN if r < MIX[0][1] + MIX[1][1] else API
            path = rng.choice(paths)
            return path, (cookie if paths is SIGNED_IN else token if paths is API else "")

        floor_app = (tmp_path / "floor_wsgi.py")
        floor_app.write_text("def application(environ, start_response):\n"
                             "    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', '2')])\n"
                             "    return [b'ok']\n")
        print(f"gunicorn.conf.py: WEB_CONCURRENCY={os.environ.get('WEB_CONCURRENCY', '3 (default)')}, "
              f"GUNICORN_THREADS={os.environ.get('GUNICORN_THREADS', '4 (default)')}; {args.connections} connections", flush=True)
        port = free_port()
        floor = _gunicorn("floor_wsgi:application", {**env, "PYTHONPATH": str(tmp_path)}, port, tmp_path / "floor.log")
        try:
            floor_result = asyncio.run(_load(port, args.connections, args.floor_duration, lambda: ("/", "")))
        finally:
            _stop(floor)
        _report("bare WSGI floor", floor_result)

        port = free_port()
        portal = _gunicorn("mirasapo.wsgi:application", env, port, tmp_path / "portal.log")
        try:
            asyncio.run(_load(port, 10, 5, pick))  # warm-up: imports, connections, template caches
            result = asyncio.run(_load(port, args.connections, args.duration, pick))
        finally:
            _stop(portal)
        _report("portal (mix)", result)
        for paths, share in MIX:
            print(f"  {share:.0%} of requests from: {' '.join(paths)}")
        if result["5xx"]:
            print((tmp_path / "portal.log").read_text(errors="replace")[-3000:])
            print(f"FAIL: {result['5xx']} server errors")
            return 1
        ratio = result["rps"] / floor_result["rps"] if floor_result["rps"] else float("nan")
        print(f"portal throughput is {ratio:.1%} of the bare WSGI floor on this machine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
