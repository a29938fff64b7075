"""The relevance set of 制度ナビ (programs/data/relevance.json): each query as people type
it — full-width, katakana, the names people use (ものづくり補助金, IT補助金, 持続化補助金,
事業承継補助金 …) — finds the expected program among its top results, over the demo catalogue."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from core.demo import DemoContext
from programs import demo
from programs.models import SupportProgram
from programs.search import search

pytestmark = pytest.mark.django_db
RELEVANCE = json.loads((Path(demo.__file__).parent / "data" / "relevance.json").read_text(encoding="utf-8"))["queries"]


@pytest.fixture
def catalogue(db):
    demo.seed(DemoContext(rng=random.Random(20261123), companies=0, password=""))
    return SupportProgram.objects.all()


def test_the_set_has_at_least_thirty_queries():
    assert len(RELEVANCE) >= 30


def test_every_query_finds_its_expected_program_near_the_top(catalogue):
    misses = []
    for case in RELEVANCE:
        names = [p.name for p in search(catalogue, case["q"])[: case["k"]]]
        if not any(word in name for name in names for word in case["expect"]):
            misses.append(f"{case['q']!r} → {names}")
    assert not misses, "\n".join(misses)


def test_full_width_and_katakana_find_what_ascii_and_hiragana_find(catalogue):
    assert list(search(catalogue, "ＩＴ導入")) == list(search(catalogue, "IT導入"))
    assert list(search(catalogue, "モノヅクリ")) == list(search(catalogue, "ものづくり"))
    assert search(catalogue, "ものづくり補助金").exists() and search(catalogue, "事業承継補助金").exists()
