"""Mail push benchmark.

1. Build and enqueue the weekly digest for N businesses (default 100,000), each with one
   Prime user, against the demo catalogue: recipients, consent filter, per-business
   program selection, bulk outbox rows, enqueue in batches to Redis. Target: < 5 minutes.
2. Messages per second through ONE real Celery worker (subprocess, -Q mail -c 1
   --prefetch-multiplier=1) against a local SMTP sink (aiosmtpd in this process).

Runs in a throw-away database (bench_<db>_mail) and purges what it put on the mail queue.

    .venv/bin/python bench/mail.py [--businesses 100000] [--throughput 1000]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import time

from _benchdb import ROOT, bench_database, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--businesses", type=int, default=100_000)
    parser.add_argument("--throughput", type=int, default=1000, help="messages to push through one worker")
    args = parser.parse_args()
    setup_django()
    with bench_database("mail") as name:
        try:
            run(args, name)
        finally:
            purge()


def purge() -> None:
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    for key in client.scan_iter("mail*"):
        client.delete(key)


def seed(n: int) -> None:
    from django.db import transaction

    import programs.demo
    from accounts.models import Membership, User
    from companies.demo import CAPITALS, INDUSTRY_WEIGHTS, PREF_WEIGHTS
    from companies.models import Business
    from core.demo import DemoContext

    rng = random.Random(11)
    prefs, pref_w = list(PREF_WEIGHTS), list(PREF_WEIGHTS.values())
    inds, ind_w = list(INDUSTRY_WEIGHTS), list(INDUSTRY_WEIGHTS.values())
    started = time.monotonic()
    with transaction.atomic():
        programs.demo.seed(DemoContext(rng=rng, companies=0, password=""))
        batch = 10_000
        for start in range(0, n, batch):
            businesses = []
            for i in range(start, min(n, start + batch)):
                pref = rng.choices(prefs, weights=pref_w)[0]
                businesses.append(Business(corp_type=2, gbizid_management_number=f"8{i:012d}", name=f"ベンチ商店{i}", prefecture=pref,
                                           municipality=rng.choice(CAPITALS[pref]), industry_jsic=rng.choices(inds, weights=ind_w)[0],
                                           employees=max(0, int(rng.lognormvariate(1.6, 0.9)))))
            Business.objects.bulk_create(businesses, batch_size=batch)
            users = [User(email=f"bench{b.pk}@example.jp", full_name="ベンチ 利用者", kind="business", password="!",
                          preferred_language="en" if i % 20 == 0 else "ja") for i, b in enumerate(businesses)]
            User.objects.bulk_create(users, batch_size=batch)
            Membership.objects.bulk_create([Membership(user=u, business=b, account_type="prime") for u, b in zip(users, businesses, strict=True)],
                                           batch_size=batch)
    print(f"seeded {n:,} businesses with one Prime user each in {time.monotonic() - started:.1f}s")


def digest_benchmark() -> int:
    from notifications.models import OutboxMessage
    from recommend.mail import build_weekly_digest

    started = time.monotonic()
    count = build_weekly_digest()
    elapsed = time.monotonic() - started
    rows = OutboxMessage.objects.filter(category="digest").count()
    print(f"weekly digest: {rows:,} outbox rows built and {count:,} messages enqueued in {elapsed:.1f}s "
          f"({count / elapsed:,.0f}/s); target < 300 s: {'met' if elapsed < 300 else 'NOT met'}")
    return count


def throughput_benchmark(n: int, db_name: str) -> None:
    from django.conf import settings
    from django.db import connection

    from notifications.models import OutboxMessage
    from notifications.tasks import enqueue_ids

    sys.path.insert(0, str(ROOT))
    from tests.notifications.smtp_sink import SmtpSink

    purge()
    OutboxMessage.objects.filter(category="digest").update(status=OutboxMessage.Status.CANCELLED)
    ids = list(OutboxMessage.objects.filter(category="digest").order_by("pk").values_list("pk", flat=True)[: n + 1])
    OutboxMessage.objects.filter(pk__in=ids).update(status=OutboxMessage.Status.PENDING)
    s = connection.settings_dict
    with SmtpSink() as sink:
        # The worker reaches the scratch database as its owner, like this process (not the
        # database MIGRATION_DATABASE_URL names).
        base = {k: v for k, v in os.environ.items() if k not in {"MIGRATION_DATABASE_URL", "MIRASAPO_DATABASE_AS_OWNER"}}
        env = {**base, "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{db_name}",
               "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(sink.port),
               "CELERY_BROKER_URL": settings.CELERY_BROKER_URL, "LOG_LEVEL": "WARNING",
               "DEBUG": "false"}  # production-like: cached template loader
        worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "mirasapo", "worker", "-Q", "mail", "-c", "1",
                                   "--prefetch-multiplier=1", "--without-gossip", "--without-mingle", "--without-heartbeat",
                                   "-n", "mailbench@%h", "--loglevel=WARNING"], cwd=ROOT, env=env, start_new_session=True,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            enqueue_ids(ids[:1])  # warm-up: the worker is ready when this one arrives
            deadline = time.monotonic() + 120
            while sink.handler.count() < 1 and time.monotonic() < deadline:
                time.sleep(0.1)
            for mode, chunk in (("one task per message", 1), (f"batches of {100}", 100)):
                batch_ids = ids[1:]
                if chunk == 100:
                    OutboxMessage.objects.filter(pk__in=batch_ids).update(status=OutboxMessage.Status.PENDING)
                before = sink.handler.count()
                started = time.monotonic()
                enqueue_ids(batch_ids, batch=chunk)
                deadline = started + 900
                while sink.handler.count() < before + len(batch_ids) and time.monotonic() < deadline:
                    time.sleep(0.05)
                elapsed = time.monotonic() - started
                delivered = sink.handler.count() - before
                print(f"one worker, {mode}: {delivered:,} messages in {elapsed:.1f}s = {delivered / elapsed:,.0f} messages/s")
            # Each message was sent once per mode (twice in all, the warm-up once).
            doubled = sum(1 for key, c in sink.handler.by_id.items() if c > 2)
            print(f"messages delivered more than once per run: {doubled}")
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)


def run(args, db_name: str) -> None:
    import logging

    from mirasapo.celery import app

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command log

    app.conf.task_always_eager = False
    seed(args.businesses)
    digest_benchmark()
    throughput_benchmark(args.throughput, db_name)


if __name__ == "__main__":
    main()
