from __future__ import annotations

import random
import re

import pytest

from core.demo import DemoContext
from programs.models import CaseStudy, SupportProgram

pytestmark = pytest.mark.django_db

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _seed(seed: int) -> None:
    import programs.demo

    programs.demo.seed(DemoContext(rng=random.Random(seed), companies=0, password=""))


def test_demo_catalogue_is_large_japanese_varied_and_deterministic():
    _seed(3)
    programs = list(SupportProgram.objects.order_by("pk"))
    cases = list(CaseStudy.objects.order_by("pk"))
    assert len(programs) >= 200 and len(cases) >= 500
    assert all(JAPANESE.search(p.name) and JAPANESE.search(p.summary) for p in programs)
    assert all(JAPANESE.search(c.challenge) and JAPANESE.search(c.results) for c in cases)
    assert len({c.industry_jsic for c in cases}) >= 15 and len({c.prefecture for c in cases}) >= 40
    assert len({pref for p in programs for pref in p.prefectures}) == 47
    assert any(p.application_program == "monodukuri" for p in programs)
    names = [p.name for p in programs]
    SupportProgram.objects.all().delete()
    CaseStudy.objects.all().delete()
    _seed(3)
    assert [p.name for p in SupportProgram.objects.order_by("pk")] == names
