"""Heavy reads go to the read replica when one is configured; everything else, and every
write, to the primary."""

from __future__ import annotations

import pytest
from django.http import StreamingHttpResponse

from core.db import ReplicaRouter, heavy_reads, reads_from_replica
from mirasapo import urls  # noqa: F401  (the URL modules are imported, so the wrapping below is in place)

router = ReplicaRouter()


def test_reads_stay_on_the_primary_outside_heavy_reads():
    assert router.db_for_read(object) is None  # Django's default: the primary
    assert router.db_for_write(object) == "default"
    assert router.allow_migrate("replica", "core") is False and router.allow_migrate("default", "core") is True


def test_inside_heavy_reads_reads_go_to_the_replica_writes_do_not():
    with heavy_reads("replica"):
        assert router.db_for_read(object) == "replica"
        assert router.db_for_write(object) == "default"
    assert router.db_for_read(object) is None


@pytest.mark.django_db
def test_without_a_replica_heavy_reads_use_the_primary():
    with heavy_reads() as alias:
        assert alias == "default"


def test_a_streamed_body_is_produced_on_the_same_database():
    seen = []

    def view(request):
        def rows():
            seen.append(router.db_for_read(object))
            yield b"row\n"
        return StreamingHttpResponse(rows())

    wrapped = reads_from_replica(view)
    # Decide "replica" as if one were configured and caught up.
    import core.db as db

    original = db.replica_configured, db._replica_caught_up
    db.replica_configured, db._replica_caught_up = (lambda: True), (lambda timeout=0: True)
    try:
        response = wrapped(None)
    finally:
        db.replica_configured, db._replica_caught_up = original
    assert router.db_for_read(object) is None  # the view has returned
    assert b"".join(response.streaming_content) == b"row\n"
    assert seen == ["replica"]


def test_the_heavy_read_urls_are_marked():
    from django.urls import resolve

    for path in ["/analytics/dashboard/", "/open-data/", "/research/extract/", "/api/v1/open-data/adoptions",
                 "/api/v1/research/extract"]:
        assert resolve(path).func.__wrapped__ is not None, path
