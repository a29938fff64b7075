from __future__ import annotations

import random

import pytest

from core.demo import DemoContext
from recommend.models import Favourite


@pytest.mark.django_db
def test_demo_favourites_follow_industry_and_challenges():
    import companies.demo
    import programs.demo
    import recommend.demo

    ctx = DemoContext(rng=random.Random(5), companies=150, password="")
    for module in (companies.demo, programs.demo, recommend.demo):
        module.seed(ctx)
    favourites = list(Favourite.objects.filter(case_study__isnull=False).select_related("business", "case_study"))
    assert len(favourites) > 300
    same_industry = sum(f.business.industry_jsic == f.case_study.industry_jsic for f in favourites) / len(favourites)
    # What saving at random would give: P(case industry = business industry).
    from collections import Counter

    from programs.models import CaseStudy

    case_share = Counter(CaseStudy.objects.values_list("industry_jsic", flat=True))
    total_cases = sum(case_share.values())
    chance = sum(case_share[f.business.industry_jsic] / total_cases for f in favourites) / len(favourites)
    assert same_industry > 2.5 * chance
