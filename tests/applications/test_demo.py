from __future__ import annotations

import importlib
import random

import pytest
from django.db.models import Count, Q

from applications.models import Application
from core.demo import SEED_ORDER, DemoContext

pytestmark = pytest.mark.django_db
NOT_ADOPTED = Q(status="not_adopted")


def test_demo_gives_adopted_and_rejected_in_the_same_rounds_and_owner_history():
    ctx = DemoContext(rng=random.Random(7), companies=60, password="mirasapo-demo")
    for app_name in SEED_ORDER[: SEED_ORDER.index("applications") + 1]:
        try:
            module = importlib.import_module(f"{app_name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_name}.demo":
                raise
            continue
        module.seed(ctx)
    owner = Application.objects.filter(business_id=ctx.owner_business_id)
    assert owner.exclude(status="draft").values("fiscal_year").distinct().count() >= 2
    assert owner.filter(status__in=["adopted", "completed"]).exists()
    assert owner.filter(status="draft", program="jizokuka_general").exists()
    assert owner.get(status="draft").content["company_name"] == "株式会社青葉精機"  # pre-filled by the real service
    applicants = Application.objects.values("business").distinct().count()
    assert 0.2 * 60 <= applicants <= 0.5 * 60
    mixed_rounds = (Application.objects.exclude(subsidy_round=None).values("subsidy_round")
                    .annotate(adopted=Count("id", filter=~NOT_ADOPTED), rejected=Count("id", filter=NOT_ADOPTED))
                    .filter(adopted__gt=0, rejected__gt=0))
    assert mixed_rounds.exists()
    assert set(Application.objects.values_list("program", flat=True)) >= {"jizokuka_general", "monodukuri", "it_donyu"}
    assert Application.objects.filter(is_procedure=True, status="certified").exists()
    assert not Application.objects.exclude(status="draft").filter(receipt_number=None).exists()
