"""The portal's WSGI application behind a slow network (tests only): every chunk of a
streamed response is handed on SLOW_CHUNK_SECONDS later, so that a download lasts longer
than gunicorn's worker timeout whatever the machine's speed and socket buffers."""

from __future__ import annotations

import os
import time

from mirasapo.wsgi import application as portal

DELAY = float(os.environ.get("SLOW_CHUNK_SECONDS", "0.4"))


def application(environ, start_response):
    body = portal(environ, start_response)
    try:
        for chunk in body:
            time.sleep(DELAY)
            yield chunk
    finally:
        if hasattr(body, "close"):
            body.close()
