"""Dashboard at scale: seeds 1,000,000 applications into a scratch database (COPY), rebuilds
the summary and times each dashboard view through the full Django stack (target < 1 s).

    DATABASE_URL=postgres://…/mirasapo_analytics .venv/bin/python bench/dashboard.py [--applications N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analytics.benchsupport import scratch_database, seed_scale  # noqa: E402

VIEWS = [
    ("by fiscal year", {"by": "fiscal_year"}),
    ("by round", {"by": "round"}),
    ("by program", {"by": "program"}),
    ("by prefecture (map)", {"by": "prefecture"}),
    ("by industry", {"by": "industry"}),
    ("drill-down FY2023 > monodukuri > rounds", {"by": "round", "fiscal_year": 2023, "program": "monodukuri"}),
    ("filter Tokyo, by industry", {"by": "industry", "prefecture": "13"}),
    ("filter Osaka + industry 24, by fiscal year", {"by": "fiscal_year", "prefecture": "27", "industry": "24"}),
    ("CSV by prefecture", {"by": "prefecture", "format": "csv"}),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=1_000_000)
    args = parser.parse_args()
    with scratch_database("dashboard"):
        from django.test import Client

        from analytics.dashboard import dashboard_summary_refresh
        from tests.factories import agency_staff, mfa_login

        started = time.monotonic()
        info = seed_scale(applications=args.applications)
        print(f"seeded {info['applications']:,} applications of {info['businesses']:,} businesses in "
              f"{time.monotonic() - started:.1f}s ({', '.join(f'{k} {v:.1f}s' for k, v in info['timings'].items())})")
        refresh = dashboard_summary_refresh()
        print(f"summary rebuilt: {refresh.source_rows:,} applications -> {refresh.cells:,} cells in {refresh.seconds:.2f}s "
              "(Celery beat every 10 min)")
        client = Client()
        staff = agency_staff()
        mfa_login(client, staff)
        worst = 0.0
        for label, params in VIEWS:
            client.get("/analytics/dashboard/", params)  # warm
            times = []
            for _ in range(5):
                t = time.monotonic()
                response = client.get("/analytics/dashboard/", params)
                times.append(time.monotonic() - t)
                assert response.status_code == 200, response.status_code
            median = statistics.median(times)
            worst = max(worst, max(times))
            print(f"  {label:<45} median {median * 1000:7.1f} ms   max {max(times) * 1000:7.1f} ms")
        print(f"slowest single response: {worst * 1000:.1f} ms (target < 1000 ms): {'OK' if worst < 1 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
