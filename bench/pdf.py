"""Median time to render one submitted application to PDF (target: under 0.5 s).

Seeds a business with a full record, submits applications through the real services in
the database named by DATABASE_URL, renders each PDF exactly as the download does, prints
the figures, and rolls everything back.

    .venv/bin/python bench/pdf.py [--count 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mirasapo.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from mirasapo.celery import app as celery_app  # noqa: E402


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=30)
    args = parser.parse_args()
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    celery_app.conf.task_always_eager = True  # the outbox's delivery would otherwise need a worker
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    from accounts.models import Membership, User
    from applications.views import application_pdf_bytes
    from tests.applications.factories import SubsidyRoundFactory, business_with_record
    from tests.applications.helpers import ensure_reference_data, submitted

    timings: list[float] = []
    cpu: list[float] = []
    sizes: list[int] = []
    try:
        with transaction.atomic():
            ensure_reference_data()
            for i in range(args.count):
                business = business_with_record()
                user = User.objects.create_user(email=f"bench-pdf-{i}@example.jp", password=None)
                Membership.objects.create(user=user, business=business, account_type="prime")
                application = submitted(user, SubsidyRoundFactory())
                started, cpu_started = time.perf_counter(), time.process_time()
                pdf = application_pdf_bytes(application)
                timings.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
                sizes.append(len(pdf))
            raise Rollback
    except Rollback:
        pass
    first, rest = timings[0], timings[1:] or timings
    print(f"PDFs rendered: {len(timings)}")
    print(f"first render (fonts loaded): {first:.3f} s")
    print(f"median time per PDF: {statistics.median(rest):.3f} s")
    print(f"p90 time per PDF: {sorted(rest)[int(len(rest) * 0.9) - 1]:.3f} s")
    print(f"CPU time per PDF (process time, median): {statistics.median(cpu[1:] or cpu):.3f} s")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"median size: {statistics.median(sizes) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
