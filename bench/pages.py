"""Page benchmark with a floor (issue 16): what each page costs against a bare Django view
served by the same gunicorn process, measured in one run on this shared machine.

A throw-away database is seeded (seed_demo, default 20,000 businesses); gunicorn serves
bench/_pages_wsgi.py (the portal plus two floor views) with DJANGO_ENV=production, the
collected static files and gunicorn.conf.py (its workers and threads). A bounded load
generator on 127.0.0.1 (wrk, default -t2 -c32) then measures, round after round:

    bare Django view without middleware, the same view with the project's middleware (the
    floor), home, program detail, program search 「補助金」, マイページ,
    GET /api/v1/recommendations, GET /api/v1/open-data/adoptions

and prints requests/s, p50/p95/p99 and each page's ratio to the floor of the same round
(the median over rounds), beside the goals of issue 16. Ratios, not absolute figures, are
what carries between runs: nine developers share this machine's two cores.

    .venv/bin/python scripts/devservices.py exec -- .venv/bin/python bench/pages.py \
        [--companies 20000] [--rounds 2] [--duration 8] [--connections 32]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _benchdb import ROOT, bench_database, setup_django  # noqa: E402
from load import HOST, LOCAL, _gunicorn, _stop, free_port  # noqa: E402

WRK = shutil.which("wrk") or "/usr/bin/wrk"
# name, goal (ratio to the floor with middleware; for the floor itself: to bare Django)
GOALS = {
    "floor (middleware)": 0.7,
    "home": 0.5,
    "program detail": 0.4,
    "program search 補助金": 0.25,
    "マイページ": 0.25,
    "API recommendations": 0.2,
    "API open-data adoptions": 0.2,
}
LUA = """
done = function(summary, latency, requests)
  io.write(string.format('WRKJSON {"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, ' ..
    '"status_errors": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
"""


def wrk(url: str, headers: list[str], *, threads: int, connections: int, duration: float, script: Path) -> dict:
    command = [WRK, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s", "--timeout", "10s", "-s", str(script)]
    for header in headers:
        command += ["-H", header]
    out = subprocess.run([*command, url], capture_output=True, text=True, timeout=duration + 60)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result: {out.stdout}\n{out.stderr}")
    result = json.loads(line[len("WRKJSON "):])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per page per round")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--static-root", help="reuse static files already collected with the production storage")
    args = parser.parse_args()
    if args.connections > 200 or args.duration > 60 or args.rounds > 10:
        raise SystemExit("bounded load only: at most 200 connections, 60 s a page, 10 rounds")
    if not Path(WRK).exists():
        raise SystemExit("wrk is not installed")
    started_all = time.monotonic()

    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    with bench_database("pages") as name, tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        started = time.monotonic()
        call_command("seed_demo", "--companies", str(args.companies), verbosity=0)
        from companies.models import Business

        print(f"seeded {Business.objects.count():,} businesses in {time.monotonic() - started:.0f} s", flush=True)
        from recommend.precompute import recommendations_refresh_all

        started = time.monotonic()
        refreshed = recommendations_refresh_all()
        print(f"recommendations precomputed for {refreshed:,} businesses in {time.monotonic() - started:.0f} s", flush=True)
        from analytics.dashboard import dashboard_summary_refresh

        dashboard_summary_refresh()

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
                    "LOG_LEVEL": "WARNING", "CELERY_TASK_ALWAYS_EAGER": "false",
                    "PYTHONPATH": str(ROOT / "bench"),
                    # gunicorn.conf.py recycles a worker after ~2,000 requests; without preloading,
                    # all three restart at once after the floor's ~6,000 requests and spend the next
                    # page's seconds importing Django (0 requests measured). Preloaded, a restart is
                    # a fork: what is measured is each page, not the restarts.
                    "GUNICORN_CMD_ARGS": "--preload"})
        if not (args.static_root and (Path(args.static_root) / "staticfiles.json").exists()):
            collect = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                                     capture_output=True, text=True)
            if collect.returncode:
                raise SystemExit(collect.stderr)

        from django.contrib.auth import get_user_model
        from django.test import Client

        from accounts.services import api_token_issue
        from programs.models import SupportProgram

        user = get_user_model().objects.get(email="member@demo.mirasapo.jp")
        client = Client()
        client.force_login(user)
        cookie = f"Cookie: sessionid={client.session.session_key}"
        _token, key = api_token_issue(user=user, name="bench")
        token = f"Authorization: Token {key}"
        program = SupportProgram.objects.order_by("pk").values_list("pk", flat=True).first()
        base = ["Host: " + HOST, "X-Forwarded-Proto: https", "Accept-Language: ja"]
        targets = [
            ("bare Django (no middleware)", "/__bench/bare", []),
            ("floor (middleware)", "/__bench/floor", []),
            ("home", "/", []),
            ("program detail", f"/programs/{program}/", []),
            ("program search 補助金", "/programs/?q=%E8%A3%9C%E5%8A%A9%E9%87%91", []),
            ("マイページ", "/mypage/", [cookie]),
            ("API recommendations", "/api/v1/recommendations", [token]),
            ("API open-data adoptions", "/api/v1/open-data/adoptions", []),
        ]
        script = tmp_path / "report.lua"
        script.write_text(LUA)
        port = free_port()
        server = _gunicorn("_pages_wsgi:application", env, port, tmp_path / "portal.log")
        import http.client

        rows: dict[str, list[dict]] = {label: [] for label, _p, _h in targets}
        try:
            for label, path, headers in targets:  # each answers 200 and is warm before anything is measured
                conn = http.client.HTTPConnection(LOCAL, port, timeout=60)
                extra = dict(h.split(": ", 1) for h in [*base, *headers])
                for _ in range(3):
                    conn.request("GET", path, headers=extra)
                    response = conn.getresponse()
                    response.read()
                    if response.status != 200:
                        print((tmp_path / "portal.log").read_text(errors="replace")[-3000:])
                        raise SystemExit(f"{label} {path}: HTTP {response.status}")
                conn.close()
            print(f"gunicorn.conf.py: WEB_CONCURRENCY={os.environ.get('WEB_CONCURRENCY', '3 (default)')}, "
                  f"GUNICORN_THREADS={os.environ.get('GUNICORN_THREADS', '4 (default)')}; "
                  f"wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s, {args.rounds} round(s)", flush=True)
            for round_no in range(1, args.rounds + 1):
                for label, path, headers in targets:
                    result = wrk(f"http://{LOCAL}:{port}{path}", [*base, *headers], threads=args.threads,
                                 connections=args.connections, duration=args.duration, script=script)
                    rows[label].append(result)
                floor = rows["floor (middleware)"][-1]["rps"]
                print(f"round {round_no}: floor {floor:,.0f} rps, bare {rows['bare Django (no middleware)'][-1]['rps']:,.0f} rps",
                      flush=True)
        finally:
            _stop(server)

        print()
        print(f"{'page':<30} {'rps':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6} {'ratio':>7} {'goal':>6}")
        failed = []
        for label, _path, _headers in targets:
            results = rows[label]
            if label == "floor (middleware)":
                ratios = [r["rps"] / b["rps"] for r, b in zip(results, rows["bare Django (no middleware)"], strict=True)
                          if b["rps"]]
            elif label.startswith("bare"):
                ratios = []
            else:
                ratios = [r["rps"] / f["rps"] for r, f in zip(results, rows["floor (middleware)"], strict=True) if f["rps"]]
            ratio = statistics.median(ratios) if ratios else None
            goal = GOALS.get(label)
            errors = sum(r["status_errors"] + r["connect"] + r["read"] + r["write"] + r["timeout"] for r in results)
            verdict = "" if goal is None else ("n/a" if ratio is None else "ok" if ratio >= goal else "BELOW")
            if verdict == "BELOW":
                failed.append(label)
            print(f"{label:<30} {statistics.median(r['rps'] for r in results):>8,.0f} "
                  f"{statistics.median(r['p50'] for r in results) / 1000:>8.1f} "
                  f"{statistics.median(r['p95'] for r in results) / 1000:>8.1f} "
                  f"{statistics.median(r['p99'] for r in results) / 1000:>8.1f} {errors:>6} "
                  f"{'' if ratio is None else f'{ratio:.3f}':>7} {'' if goal is None else f'≥{goal}':>6} {verdict}")
        print("ratios: the floor to bare Django; every page to the floor (with middleware) of the same round; median of rounds")
        print(f"below goal: {', '.join(failed) if failed else 'none'}; whole run {time.monotonic() - started_all:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
