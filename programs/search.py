"""Japanese search over the catalogue (制度ナビ, 事例ナビ) with pg_trgm.

What people type and what is stored meet in one form (core.japanese.normalise: NFKC, case
and kana folding), so 「ＩＴ導入」 finds what 「IT導入」 finds and 「モノヅクリ」 what
「ものづくり」 does. The names people use for programs (ものづくり補助金, IT補助金,
持続化補助金 …) are data, in programs/data/search_aliases.json: a term that is an alias
also matches the words it stands for.

Japanese text has no spaces, so a word-based full-text parser would not find 「補助金」
inside 「ものづくり補助金の申請」. pg_trgm works on character trigrams, so:

- each whitespace-separated term (or one of its alias words) must occur in the normalised
  `search_text` (LIKE '%term%', served by the GIN gin_trgm_ops index for 3+ characters),
  or, for 3+ characters, be trigram-word-similar to it (a small typo or 送り仮名 variant);
- results are ranked by trigram word similarity to the title (the first line of
  `search_text`, weighted triple) plus to the whole text, then by the default order.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import F, Func, Q, QuerySet, Value

from core.japanese import normalise

MAX_TERMS = 8
MAX_QUERY_LENGTH = 200
ALIASES_FILE = Path(__file__).resolve().parent / "data" / "search_aliases.json"


@cache
def aliases() -> dict[str, tuple[str, ...]]:
    data = json.loads(ALIASES_FILE.read_text(encoding="utf-8"))["aliases"]
    return {normalise(key): tuple(dict.fromkeys(normalise(v) for v in values)) for key, values in data.items()}


def terms_of(query: str) -> list[str]:
    return [t for t in normalise((query or "")[:MAX_QUERY_LENGTH]).split(" ") if t][:MAX_TERMS]


def variants_of(term: str) -> list[str]:
    """The term and the words it stands for; a term containing an alias (持続化補助金の申請)
    counts as that alias."""
    found = [term]
    table = aliases()
    for key, words in table.items():
        if key == term or (len(key) >= 3 and key in term):
            found.extend(words)
    return list(dict.fromkeys(found))


class _Title(Func):
    """The title: the first line of search_text (see models.build_search_text)."""

    function = "split_part"

    def __init__(self, expression, **extra):
        super().__init__(expression, Value("\n"), Value(1), **extra)


def search(queryset: QuerySet, query: str, *, title_field: str = "") -> QuerySet:
    terms = terms_of(query)
    if not terms:
        return queryset
    every_word: list[str] = []
    for term in terms:
        words = variants_of(term)
        every_word.extend(words)
        # search_text and the words are both normalised (case folded already), so a plain
        # LIKE does; ILIKE's UPPER() would keep the trigram index from serving it. Only
        # the typed term gets the fuzzy match: an alias's words are exact by design.
        condition = Q()
        for word in words:
            condition |= Q(search_text__contains=word)
        if len(term) >= 3:
            condition |= Q(search_text__trigram_word_similar=term)
        queryset = queryset.filter(condition)
    text = " ".join(dict.fromkeys(every_word))
    return queryset.annotate(
        rank=TrigramWordSimilarity(text, _Title(F("search_text"))) * 3 + TrigramWordSimilarity(text, "search_text")
    ).order_by(F("rank").desc(nulls_last=True), "id")
