"""The portal's WSGI application plus the two floors of bench/pages.py, served by one
gunicorn process so that every figure of a run comes from the same workers:

- /__bench/bare:  a minimal Django view through a handler with no middleware at all;
- /__bench/floor: the same view through the project's full middleware stack;
- everything else: the portal exactly as mirasapo.wsgi serves it.

Never imported by the application (gunicorn loads it only in bench/pages.py).
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mirasapo.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import path  # noqa: E402


def floor_view(request):
    return HttpResponse(b"ok", content_type="text/plain")


class _BenchUrls:
    """A URLconf: the two floor paths, then the portal's own."""

    def __init__(self):
        from mirasapo import urls

        self.urlpatterns = [path("__bench/bare", floor_view), path("__bench/floor", floor_view), *urls.urlpatterns]


_module = type(sys)("_pages_bench_urls")
_module.urlpatterns = _BenchUrls().urlpatterns
sys.modules["_pages_bench_urls"] = _module
settings.ROOT_URLCONF = "_pages_bench_urls"

portal = WSGIHandler()
with override_settings(MIDDLEWARE=[]):
    bare = WSGIHandler()


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/__bench/bare":
        return bare(environ, start_response)
    return portal(environ, start_response)
