"""Load test of the production shape on this machine, bounded and local.

gunicorn runs the portal with DJANGO_ENV=production, the collected static files and
gunicorn.conf.py unchanged (its workers and threads, as in the Docker image). wrk keeps
CONNECTIONS keep-alive connections on 127.0.0.1 busy for DURATION seconds with a mix of
public pages, signed-in pages and API calls (a Lua script draws each request from the mix)
and the script prints requests/s, p50/p95/p99 latency and the count of 5xx answers (which
must be 0: the script exits 1 otherwise; a dropped or timed-out connection counts as one).
wrk (C) is the generator, as in bench/pages.py, so that the client's own cost stays out of
the server's two cores (the Python asyncio client it replaces used ~0.3 ms of CPU a request,
a few per cent of a core at this rate; wrk a fraction of that, printed at the end). The
same generator first measures the bare WSGI floor — a hello-world WSGI app under the same
gunicorn settings — so that the figures can be read against what this machine and client
can do at all.

    .venv/bin/python scripts/devservices.py exec -- .venv/bin/python bench/load.py [--duration 60] [--connections 100]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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
API = ["/api/v1/me", "/api/v1/consent", "/api/v1/access-log", "/api/v1/disclosure-requests", "/api/v1/recommendations"]
# Roughly what a portal sees: mostly public reading, then signed-in pages and API calls.
MIX = [(PUBLIC, 0.5), (SIGNED_IN, 0.25), (API, 0.25)]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((LOCAL, 0))
        return sock.getsockname()[1]


WRK = shutil.which("wrk") or "/usr/bin/wrk"
# The mix as a wrk script: every request is drawn from MIX (share of each group, then a path of
# the group at random), pre-formatted so that drawing one costs two random numbers; each wrk
# thread counts the statuses it receives and `done` prints them with the latency percentiles.
MIX_LUA = """
local groups = {groups}
local counter = 0
local threads = {{}}

setup = function(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

init = function(args)
  math.randomseed(12 + 7919 * id)
  statuses = {{}}
end

request = function()
  local r = math.random()
  for _, group in ipairs(groups) do
    if r < group.below then
      return group.requests[math.random(#group.requests)]
    end
  end
  local last = groups[#groups].requests
  return last[math.random(#last)]
end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  local counts = {{}}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      counts[#counts + 1] = string.format('"%d": %d', status, n)
    end
  end
  io.write(string.format('WRKJSON {{"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "timeout": %d, "statuses": [{{%s}}]}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    table.concat(counts, "}}, {{")))
end
"""


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r").replace("\n", "\\n") + '"'


def _request(path: str, headers: str) -> str:
    return f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nX-Forwarded-Proto: https\r\nAccept-Language: ja\r\n{headers}\r\n"


def _load(port: int, connections: int, duration: float, groups: list[tuple[float, list[str]]], script: Path) -> dict:
    """wrk with `connections` connections for `duration` s; `groups`: (share, raw requests)."""
    below, lua_groups = 0.0, []
    for share, requests in groups:
        below += share
        lua_groups.append(f"{{below = {below!r}, requests = {{{', '.join(_lua_string(r) for r in requests)}}}}}")
    script.write_text(MIX_LUA.format(groups="{" + ", ".join(lua_groups) + "}"))
    threads = max(1, min(2, connections))
    command = [WRK, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s", "--timeout", "30s", "-s", str(script),
               f"http://{LOCAL}:{port}/"]
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(command, capture_output=True, text=True, timeout=duration + 90)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result: {out.stdout}\n{out.stderr}")
    raw = json.loads(line[len("WRKJSON "):])
    statuses: dict[int, int] = {}
    for counts in raw["statuses"]:
        for status, n in counts.items():
            statuses[int(status)] = statuses.get(int(status), 0) + n
    dropped = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    if dropped:  # a dropped or timed-out connection counts as a server error
        statuses[599] = dropped
    return {"requests": raw["requests"], "rps": raw["requests"] / (raw["duration_us"] / 1e6),
            "p50": raw["p50"] / 1000, "p95": raw["p95"] / 1000, "p99": raw["p99"] / 1000,
            "5xx": sum(n for s, n in statuses.items() if s >= 500), "statuses": dict(sorted(statuses.items())),
            "generator_cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
            "duration": raw["duration_us"] / 1e6}


def _warm(port: int, requests: list[str], times: int = 3) -> None:
    """Each request of the mix a few times, one at a time, before anything is measured: the
    first answer of a worker compiles templates and opens connections (seconds on a busy
    machine), which a timed run must not mistake for the page's cost."""
    import socket

    for request in requests * times:
        with socket.create_connection((LOCAL, port), timeout=60) as sock:
            sock.sendall(request.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1).encode())
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 599
        if status >= 500:
            raise SystemExit(f"warm-up: HTTP {status} for {request.splitlines()[0]}")


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
    if not Path(WRK).exists():
        raise SystemExit("wrk is not installed")

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
        mix = [(share, [_request(path, cookie if paths is SIGNED_IN else token if paths is API else "") for path in paths])
               for paths, share in MIX]
        script = tmp_path / "mix.lua"

        floor_app = (tmp_path / "floor_wsgi.py")
        floor_app.write_text("def application(environ, start_response):\n"
                             "    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', '2')])\n"
                             "    return [b'ok']\n")
        print(f"gunicorn.conf.py: WEB_CONCURRENCY={os.environ.get('WEB_CONCURRENCY', '3 (default)')}, "
              f"GUNICORN_THREADS={os.environ.get('GUNICORN_THREADS', '4 (default)')}; {args.connections} connections", flush=True)
        port = free_port()
        floor = _gunicorn("floor_wsgi:application", {**env, "PYTHONPATH": str(tmp_path)}, port, tmp_path / "floor.log")
        try:
            floor_result = _load(port, args.connections, args.floor_duration, [(1.0, [_request("/", "")])], script)
        finally:
            _stop(floor)
        _report("bare WSGI floor", floor_result)

        port = free_port()
        portal = _gunicorn("mirasapo.wsgi:application", env, port, tmp_path / "portal.log")
        try:
            _warm(port, [request for _share, requests in mix for request in requests])
            _load(port, 10, 5, mix, script)  # warm-up: imports, connections, template caches
            result = _load(port, args.connections, args.duration, mix, script)
        finally:
            _stop(portal)
        _report("portal (mix)", result)
        for paths, share in MIX:
            print(f"  {share:.0%} of requests from: {' '.join(paths)}")
        print(f"load generator (wrk) used {result['generator_cpu']:.1f} s of CPU in the {result['duration']:.0f} s run "
              f"({result['generator_cpu'] / result['duration']:.0%} of one core)")
        if result["5xx"]:
            print((tmp_path / "portal.log").read_text(errors="replace")[-3000:])
            print(f"FAIL: {result['5xx']} server errors")
            return 1
        ratio = result["rps"] / floor_result["rps"] if floor_result["rps"] else float("nan")
        print(f"portal throughput is {ratio:.1%} of the bare WSGI floor on this machine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
