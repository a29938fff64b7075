"""Japanese full-text search over the catalogue with pg_trgm.

Japanese text has no spaces, so a word-based full-text parser would not find 「補助金」
inside 「ものづくり補助金の申請」. pg_trgm works on character trigrams, so:

- each whitespace-separated term must occur in `search_text` (ILIKE '%term%', which the
  GIN gin_trgm_ops index serves for terms of 3 characters or more), or, for terms of 3+
  characters, be trigram-word-similar to it (tolerates a small typo or 送り仮名 variant);
- terms of 1-2 characters produce no complete trigram, so the index cannot help and the
  condition is the same substring match on the indexed column (a sequential filter over
  the rows the other conditions left);
- results are ranked by trigram word similarity of the whole query to the title (weighted
  double) plus to the text, then by the default order.
"""

from __future__ import annotations

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import F, Q, QuerySet

MAX_TERMS = 8


def terms_of(query: str) -> list[str]:
    return [t for t in (query or "").replace("\u3000", " ").split() if t][:MAX_TERMS]


def search(queryset: QuerySet, query: str, *, title_field: str) -> QuerySet:
    terms = terms_of(query)
    if not terms:
        return queryset
    for term in terms:
        condition = Q(search_text__icontains=term)
        if len(term) >= 3:
            condition |= Q(search_text__trigram_word_similar=term)
        queryset = queryset.filter(condition)
    text = " ".join(terms)
    return queryset.annotate(
        rank=TrigramWordSimilarity(text, title_field) * 2 + TrigramWordSimilarity(text, "search_text")
    ).order_by(F("rank").desc(nulls_last=True), "id")
