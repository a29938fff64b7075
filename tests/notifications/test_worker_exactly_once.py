"""Delivery guarantees with a REAL Celery worker (subprocess), a real Redis broker, the
real test database and a local SMTP sink.

The worker is SIGKILLed (the whole process group: a crashed machine, no chance to ack,
reject or clean up) in the middle of a batch, at a deterministic point *between*
messages: the test holds a row lock on message 8, so the worker has sent 1-7 and is
waiting to claim 8 when it dies. A second worker takes over the rest of the queue; the
beat job's requeue (run here as the beat would) picks up message 8, whose task died
unacknowledged with the first worker (Redis would only redeliver it after the visibility
timeout of 2 h). Every message must arrive exactly once, counted at the sink.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from notifications.models import DeliveryAttempt, OutboxMessage
from notifications.services import mail_enqueue
from notifications.tasks import deliver_message, requeue_pending_messages
from tests.factories import UserFactory

from .smtp_sink import SmtpSink

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
BATCH = 20
HOLD = 7  # index of the message whose row the test locks (the 8th)


def _wait(predicate, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}{(':' + s['PASSWORD']) if s['PASSWORD'] else ''}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def _start_worker(name: str, smtp_port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": settings.REDIS_URL,
           "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
           "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1",
           "EMAIL_PORT": str(smtp_port), "MIRASAPO_TESTING": "false", "LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "celery", "-A", "mirasapo", "worker", "-Q", "mail", "-c", "1", "--prefetch-multiplier=1",
               "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{name}@%h", "--loglevel=WARNING"]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill(worker: subprocess.Popen, sig=signal.SIGKILL) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)  # the worker's own process group (started with start_new_session)
    worker.wait(timeout=30)


def _purge_mail_queue() -> None:
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    for key in client.scan_iter("mail*"):
        client.delete(key)
    for key in ("unacked", "unacked_index", "unacked_mutex"):
        client.delete(key)


@pytest.fixture
def real_broker():
    from mirasapo.celery import app

    app.conf.task_always_eager = False
    _purge_mail_queue()
    yield
    _purge_mail_queue()
    app.conf.task_always_eager = True


def test_a_worker_killed_mid_batch_loses_and_doubles_nothing(real_broker):
    users = [UserFactory() for _ in range(BATCH)]
    with SmtpSink() as sink:
        with transaction.atomic():
            messages = [
                mail_enqueue(to_user=user, template="weekly_digest", category="digest", idempotency_key=f"worker-test:{n}",
                             context={"business_name": f"テスト{n}", "week": "2026-W48", "programs": []})
                for n, user in enumerate(users)
            ]
        ids = [m.pk for m in messages]
        held_id = ids[HOLD]
        s = connection.settings_dict
        locker = psycopg.connect(host=s["HOST"], port=s["PORT"], user=s["USER"], password=s["PASSWORD"] or None, dbname=s["NAME"])
        workers = []
        try:
            locker.execute("SELECT id FROM notifications_outboxmessage WHERE id = %s FOR UPDATE", [held_id])
            first = _start_worker("mailtest1", sink.port)
            workers.append(first)
            _wait(lambda: sink.handler.count() == HOLD, timeout=90, what="the first worker to send the first messages")

            def worker_waits_for_the_lock() -> bool:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'", [s["NAME"]])
                    return cursor.fetchone()[0] >= 1

            _wait(worker_waits_for_the_lock, timeout=30, what="the worker to wait for the held message")
            _kill(first)  # SIGKILL in the middle of the batch, between two messages
            assert sink.handler.count() == HOLD
        finally:
            locker.rollback()
            locker.close()
        held = OutboxMessage.objects.get(pk=held_id)
        assert held.status == OutboxMessage.Status.PENDING  # its claim never committed

        second = _start_worker("mailtest2", sink.port)
        workers.append(second)
        try:
            _wait(lambda: sink.handler.count() == BATCH - 1, timeout=90, what="the second worker to drain the queue")
            # The beat job, as it would run once the grace period has passed.
            later = (timezone.now() + dt.timedelta(minutes=10)).isoformat()
            assert requeue_pending_messages(now=later) >= 1
            _wait(lambda: sink.handler.count() == BATCH, timeout=60, what="the requeued message")
            # Duplicated tasks (a broker redelivery, another requeue) change nothing.
            deliver_message.delay(held_id)
            deliver_message.delay(ids[0])
            requeue_pending_messages(now=later)
            time.sleep(3)
        finally:
            for worker in workers:
                _kill(worker)
        keys = [f"worker-test:{n}" for n in range(BATCH)]
        assert {key: sink.handler.by_id[key] for key in keys} == {key: 1 for key in keys}
        assert sink.handler.count() == BATCH
        assert all(count == 1 for count in sink.handler.message_ids.values())
        statuses = set(OutboxMessage.objects.filter(pk__in=ids).values_list("status", flat=True))
        assert statuses == {OutboxMessage.Status.SENT}
        assert DeliveryAttempt.objects.filter(message_id__in=ids, succeeded=True).count() == BATCH
