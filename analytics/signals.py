"""What moves the open-data cache's generation on (analytics.open_data.cached_page): any
saved or deleted row that can change what the open-data lists publish (issue 16)."""

from __future__ import annotations

import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from core.demo import SEEDING, seeded

SOURCES = ("applications.Application", "companies.Business", "institutions.Institution", "consent.Narrowing",
           "consent.ConsentChange", "consent.PolicyVersion", "consent.Purpose")


_queued = threading.local()


def _changed(sender, instance, **kwargs) -> None:
    from .open_data import cache_invalidate

    if SEEDING.get():  # seed_demo fills an empty database: nothing derived exists yet
        return

    if kwargs.get("raw"):
        return
    # Now (a request in this very transaction, e.g. a test, sees the change) and again after
    # the commit (a request that computed a page from the data before the commit, under the
    # generation set now, cannot leave it cached for later requests).
    cache_invalidate()
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # Once per transaction (a seed or an import saves thousands of rows): Django gives
        # each transaction a fresh list of commit hooks, so the list tells them apart.
        if getattr(_queued, "hooks", None) is connection.run_on_commit:
            return
        _queued.hooks = connection.run_on_commit
    transaction.on_commit(cache_invalidate)


def _seeded(sender, **kwargs) -> None:
    from .open_data import cache_invalidate

    cache_invalidate()


def connect() -> None:
    from django.apps import apps

    seeded.connect(_seeded, dispatch_uid="analytics.opendata.seeded")
    for label in SOURCES:
        model = apps.get_model(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"analytics.opendata.save.{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"analytics.opendata.delete.{label}")
