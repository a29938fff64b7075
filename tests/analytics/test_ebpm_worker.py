"""The EBPM fit runs in a REAL Celery worker (subprocess), off the request: the page's
request stores a pending analysis and enqueues it on commit; the worker, which imports
the model module (analytics.ebpm_model) with its task, claims and finishes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from analytics.models import EbpmAnalysis
from tests.factories import agency_staff, mfa_login

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
QUEUE = "default"


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}{(':' + s['PASSWORD']) if s['PASSWORD'] else ''}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def _purge() -> None:
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete(QUEUE)


@pytest.fixture
def real_broker():
    from mirasapo.celery import app

    app.conf.task_always_eager = False
    _purge()
    yield
    _purge()
    app.conf.task_always_eager = True


def test_the_request_returns_at_once_and_a_worker_computes(client, real_broker):
    staff = agency_staff()
    mfa_login(client, staff)
    response = client.post("/analytics/ebpm/", {
        "title": "ワーカーでの効果検証", "program": "", "first_year": 2021, "last_year": 2021, "outcome": "log_sales",
        "pre_years": 2, "post_years": 3, "industry_level": "major", "match_size": "on", "match_sales": "on",
    })
    assert response.status_code == 302
    analysis = EbpmAnalysis.objects.get()
    assert analysis.status == EbpmAnalysis.Status.PENDING  # committed, enqueued, not computed
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": settings.REDIS_URL,
           "CELERY_BROKER_URL": settings.CELERY_BROKER_URL, "MIRASAPO_TESTING": "false", "LOG_LEVEL": "WARNING"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mirasapo", "worker", "-Q", QUEUE, "-c", "1", "--prefetch-multiplier=1",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", "ebpmtest@%h", "--loglevel=WARNING"],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # Generous: a worker importing Django and the statistics stack starts slowly on a busy machine.
        deadline = time.monotonic() + 540
        while time.monotonic() < deadline:
            analysis.refresh_from_db()
            if analysis.is_finished:
                break
            time.sleep(0.5)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
    # Two adopted and non-adopted groups cannot be compared without data: the worker
    # recorded that as the result, with its reason.
    assert analysis.status == EbpmAnalysis.Status.FAILED and analysis.error == "not_enough_data"
    assert analysis.started_at is not None and analysis.finished_at >= analysis.started_at
    page = client.get(f"/analytics/ebpm/{analysis.pk}/").content.decode()
    assert "比較できる採択・不採択の申請者が足りません" in page
