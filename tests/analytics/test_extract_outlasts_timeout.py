"""Issue 16: a research extract download that lasts longer than gunicorn's worker timeout is
delivered whole. gunicorn.conf.py's gthread workers keep their heartbeat in the main loop
while a thread streams; a sync worker would be killed mid-download (tried: the body ends
early). The network is made slow on purpose (tests/analytics/slow_network_wsgi.py) and the
timeout short (3 s)."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
import time

import pytest

from tests import production

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_a_download_longer_than_the_worker_timeout_arrives_whole(collected_static, tmp_path):
    from analytics.benchsupport import seed_scale
    from analytics.models import ExtractDownload
    from tests.factories import researcher, with_totp

    seed_scale(applications=4000, per_business=4)
    user = researcher(approved=True, approved_until=dt.date.today() + dt.timedelta(days=30))
    with_totp(user)
    token = production.api_token_for(user)
    # --preload: the application is imported before the worker starts its timer, so only the
    # download itself is measured against the 3 s timeout, however busy the machine.
    env = production.production_env(static_root=collected_static, GUNICORN_TIMEOUT="3", SLOW_CHUNK_SECONDS="2.5",
                                     PYTHONPATH=str(production.ROOT), GUNICORN_CMD_ARGS="--preload")
    port = production.free_port()
    log = tmp_path / "web.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "tests.analytics.slow_network_wsgi:application"], cwd=production.ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "2"},
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        production._wait_for_port(port, process, log)
        server = production.Server(port, process, log)
        started = time.monotonic()
        status, headers, body = server.get("/api/v1/research/extract", headers={"Authorization": f"Token {token}"},
                                           timeout=120)
        took = time.monotonic() - started
    finally:
        production.stop(process)
    assert status == 200, (status, body[:300], log.read_text(errors="replace")[-3000:])
    assert took > 6, took  # it did outlast the 3 s timeout twice over (several chunks, 2.5 s each)
    download = ExtractDownload.objects.get()
    assert download.completed and download.row_count > 3000
    assert hashlib.sha256(body).hexdigest() == download.sha256  # every byte the server logged, received
    assert body.count(b"\r\n") == download.row_count + 1
    assert "WORKER TIMEOUT" not in log.read_text(errors="replace")
