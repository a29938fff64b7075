"""The Celery app. Beat entries come from each app's `schedule.py` (BEAT_SCHEDULE dict),
so an app owns its periodic jobs without editing a shared settings file."""

from __future__ import annotations

import importlib
import os
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mirasapo.settings")

app = Celery("mirasapo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _collect_beat_schedule(sender, **kwargs):
    from django.conf import settings

    schedule: dict[str, dict[str, Any]] = {}
    for app_name in settings.INSTALLED_APPS:
        try:
            module = importlib.import_module(f"{app_name}.schedule")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_name}.schedule":
                raise
            continue
        schedule.update(getattr(module, "BEAT_SCHEDULE", {}))
    sender.conf.beat_schedule = schedule
