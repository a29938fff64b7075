#!/usr/bin/env python
"""`make run`'s last step: the web server, a Celery worker and beat, together.
Ctrl-C (or SIGTERM) stops all three, and the embedded data services we started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PORT = int(os.environ.get("MIRASAPO_PORT", "8000"))


def main() -> int:
    (ROOT / "var").mkdir(exist_ok=True)
    # Ctrl-C must stop everything even when make was started from a shell that ignores
    # SIGINT for background jobs (the children inherit the default handler).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    children = [
        subprocess.Popen([PY, "-m", "celery", "-A", "mirasapo", "worker", "-Q", "default,mail,pdf", "-c", "2", "-l", "warning"], cwd=ROOT),
        subprocess.Popen([PY, "-m", "celery", "-A", "mirasapo", "beat", "-l", "warning", "-s", str(ROOT / "var" / "celerybeat-schedule")], cwd=ROOT),
        subprocess.Popen([PY, "manage.py", "runserver", "--noreload", f"127.0.0.1:{PORT}"], cwd=ROOT),
    ]

    def stop(*_args):
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        if os.environ.get("MIRASAPO_KEEP_SERVICES") != "1":
            subprocess.run([PY, str(ROOT / "scripts" / "devservices.py"), "down"], check=False)

    signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(0)))
    try:
        children[2].wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
