"""Gunicorn settings for every production-shaped run: the Docker image, compose, the
production-shape test and bench/load.py all use this file (gunicorn reads
./gunicorn.conf.py by default), so what is measured is what is shipped.

Workers and threads come from the environment (WEB_CONCURRENCY, GUNICORN_THREADS); the
defaults suit one 2-core container: 3 processes x 4 threads. gthread workers keep a slow
client from holding a whole process; each thread keeps its own database connection
(CONN_MAX_AGE), so one container opens at most workers x threads connections.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so that a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
# The heartbeat file on tmpfs: a container's overlay filesystem can stall it.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
