from __future__ import annotations

import random

import pytest
from django.db import transaction

from consent import demo
from consent.models import ConsentChange, Narrowing
from core.demo import DemoContext
from core.models import AuditEvent
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def _run(seed: int, ids: list[int]) -> list[tuple[int, int, int, int | None]]:
    ctx = DemoContext(rng=random.Random(seed), companies=len(ids), password="x")
    ctx.business_ids, ctx.owner_business_id, ctx.soloist_business_id = ids, ids[0], ids[1]
    sid = transaction.savepoint()
    demo.seed(ctx)
    rows = sorted(Narrowing.objects.filter(business_id__in=ids).values_list("business_id", "data_class", "recipient", "purpose"),
                  key=lambda r: (r[0], r[1], r[2], r[3] or 0))
    assert ConsentChange.objects.filter(business_id__in=ids).count() == len(ctx.extra["narrowed_business_ids"])
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.CONSENT_CHANGED, business_id__in=ids).count() == len(ctx.extra["narrowed_business_ids"])
    transaction.savepoint_rollback(sid)
    return rows


def test_demo_narrows_a_tenth_deterministically_and_not_the_demo_accounts():
    ids = [BusinessFactory().pk for _ in range(40)]
    first = _run(5, ids)
    assert first == _run(5, ids)
    narrowed = {r[0] for r in first}
    assert ids[0] not in narrowed and ids[1] not in narrowed
    assert 1 <= len(narrowed) <= 4
