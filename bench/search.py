#!/usr/bin/env python
"""Benchmark of Japanese search (制度ナビ): quality and speed.

1. MRR (mean reciprocal rank, first 10 results) of the relevance set
   programs/data/relevance.json over the demo catalogue, with the share of queries
   answered in first place — the same set tests/programs/test_relevance.py keeps.
2. Throughput under gunicorn: requests per second of the search page with a query beside
   the home page's (the floor, measured in the same run); the goal is at least half.

Runs in a throw-away database (bench/_benchdb.py).

    DATABASE_URL=... .venv/bin/python bench/search.py [--seconds 10] [--clients 4]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

from _benchdb import ROOT, bench_database, setup_django

setup_django()

QUERIES = ["ものづくり補助金", "ＩＴ導入", "事業承継補助金", "持続化補助金", "販路開拓 補助金"]


def mrr() -> tuple[float, float, int]:
    from programs.models import SupportProgram
    from programs.search import search

    cases = json.loads((ROOT / "programs" / "data" / "relevance.json").read_text(encoding="utf-8"))["queries"]
    total, first = 0.0, 0
    for case in cases:
        names = [p.name for p in search(SupportProgram.objects.all(), case["q"])[:10]]
        rank = next((i + 1 for i, name in enumerate(names) if any(w in name for w in case["expect"])), None)
        total += 1 / rank if rank else 0.0
        first += rank == 1
    return total / len(cases), first / len(cases), len(cases)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def throughput(base: str, paths: list[str], seconds: float, clients: int) -> float:
    done = [0] * clients
    stop = time.monotonic() + seconds

    def run(i: int) -> None:
        n = 0
        while time.monotonic() < stop:
            path = paths[n % len(paths)]
            with urllib.request.urlopen(base + path, timeout=30) as response:
                response.read()
                assert response.status == 200
            n += 1
        done[i] = n

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    from django.db import connection

    from core.demo import DemoContext
    from programs import demo

    with bench_database("search") as name:
        demo.seed(DemoContext(rng=random.Random(20261123), companies=0, password=""))
        score, top1, count = mrr()
        print(f"relevance set: {count} queries, MRR@10 {score:.3f}, first place {top1:.0%}")
        settings = connection.settings_dict
        url = (f"postgres://{urllib.parse.quote(settings['USER'] or '')}:{urllib.parse.quote(settings['PASSWORD'] or '')}"
               f"@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{name}")
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1,localhost"}
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "mirasapo.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--log-level", "warning"],
            cwd=ROOT, env=env,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=2).read()
                    break
                except OSError:
                    time.sleep(0.2)
            search_paths = ["/programs/?q=" + urllib.parse.quote(q) for q in QUERIES]
            throughput(base, ["/", *search_paths], 2, args.clients)  # warm-up
            home = throughput(base, ["/"], args.seconds, args.clients)
            found = throughput(base, search_paths, args.seconds, args.clients)
            print(f"home page: {home:.1f} req/s; search page with a query: {found:.1f} req/s "
                  f"({found / home:.0%} of the home page; goal >= 50%) — gunicorn 2 workers, {args.clients} clients")
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


if __name__ == "__main__":
    main()
