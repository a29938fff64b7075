"""Gunicorn settings for every production-shaped run: the Docker image, compose, the
production-shape test and bench/load.py all use this file (gunicorn reads
./gunicorn.conf.py by default), so what is measured is what is shipped.

Workers and threads come from the environment (WEB_CONCURRENCY, GUNICORN_THREADS); the
defaults suit one 2-core container: 3 processes x 4 threads. gthread workers keep a slow
client from holding a whole process; each thread keeps its own database connection
(CONN_MAX_AGE), so one container opens at most workers x threads connections.

The application is loaded once, in the master, before the workers are forked (preload_app):
a worker that max_requests recycles is a fork ready to serve in milliseconds, instead of a
process that spends seconds importing Django while its share of the connections waits (the
p99 of bench/load.py was 6 s for that alone). What the import may have opened in the master
(database connections, cache and broker sockets) is closed before each fork (pre_fork), so
that no two processes ever share a socket; each worker opens its own on first use.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so that a slow leak never grows without bound; with the
# application preloaded a recycle is a fork, and the jitter keeps workers from recycling
# together.
max_requests = 2000
max_requests_jitter = 400
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
# The heartbeat file on tmpfs: a container's overlay filesystem can stall it.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def _warm_up() -> None:
    """In the master, once: import every URLconf and view module (Django does it on the first
    request otherwise), so that a freshly forked worker has nothing left to import."""
    from django.urls import get_resolver

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018  (imports every urls.py and api.py, and their views)
    resolver._populate()


def _close_inherited() -> None:
    """Close what the master holds (database connections of this thread, caches, the Celery
    app's broker pool) so that no worker inherits a socket another process also uses."""
    from django.core.cache import caches
    from django.db import connections

    connections.close_all()
    for cache in caches.all(initialized_only=True):
        cache.close()
    from mirasapo.celery import app as celery_app

    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None


_warmed = False


def pre_fork(server, worker) -> None:
    global _warmed
    from django.apps import apps

    if not apps.ready:  # not the portal (bench/load.py's bare WSGI floor): nothing to do
        return
    if not _warmed:
        _warm_up()
        _warmed = True
    _close_inherited()

