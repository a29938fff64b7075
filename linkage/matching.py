"""Name matching (名寄せ) of records that carry no 法人番号.

Candidates come from SQL over linkage_matchindex, in two rounds so that the expensive
one runs only where needed:

1. exact keys (set-based, one query for the whole batch): the same normalised name in
   the same prefecture, or the same block number in the same municipality;
2. for records that round 1 found no plausible candidate for, pg_trgm similarity of the
   normalised name (`%` on a GIN index of (prefecture, name trigrams)) within the
   prefecture: typos and spellings that normalisation does not fold.

Each candidate is then scored in Python (`score`), and `decide` turns the scores into
link / review / none. Auto-linking needs both a high score and a clear lead over the
runner-up: two businesses with the same name in different towns, and a record that
names no town, go to review instead of being linked to either.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from django.db import connection

from .normalise import normalise_address, normalise_name

AUTO_LINK_THRESHOLD = 0.90
REVIEW_THRESHOLD = 0.70
# An auto-link must beat the runner-up by this much; otherwise a person decides.
AUTO_LINK_MARGIN = 0.08
TRIGRAM_THRESHOLD = 0.3
TRIGRAM_LIMIT = 8

WEIGHT_NAME, WEIGHT_MUNICIPALITY, WEIGHT_ADDRESS = 0.55, 0.15, 0.30
LEGAL_FORM_MISMATCH_PENALTY = 0.1


@dataclass(frozen=True)
class MatchKey:
    """The normalised identity of an incoming record or of a business."""

    prefecture: str
    name: str
    legal_form: str
    municipality: str
    town: str
    block: str


def match_key(*, name: str, prefecture: str = "", municipality: str = "", address: str = "") -> MatchKey:
    normalised_name = normalise_name(name)
    normalised_address = normalise_address(address, prefecture=prefecture, municipality=municipality)
    return MatchKey(
        prefecture=normalised_address.prefecture,
        name=normalised_name.core,
        legal_form=normalised_name.legal_form,
        municipality=normalised_address.municipality,
        town=normalised_address.town,
        block=normalised_address.block,
    )


@dataclass(frozen=True)
class Candidate:
    business_id: int
    key: MatchKey


@dataclass
class MatchDecision:
    status: str  # "link", "review" or "none"
    business_id: int | None = None
    score: float = 0.0
    candidates: list[tuple[int, float]] = field(default_factory=list)  # best first


def _ratio(a: str, b: str) -> float:
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def score(incoming: MatchKey, candidate: MatchKey) -> float:
    if incoming.prefecture and candidate.prefecture and incoming.prefecture != candidate.prefecture:
        return 0.0
    name = _ratio(incoming.name, candidate.name)
    if incoming.legal_form and candidate.legal_form and incoming.legal_form != candidate.legal_form:
        name = max(0.0, name - LEGAL_FORM_MISMATCH_PENALTY)
    if incoming.municipality and candidate.municipality:
        municipality = 1.0 if incoming.municipality == candidate.municipality else 0.0
    else:
        municipality = 0.5
    if incoming.block and candidate.block:
        if incoming.block == candidate.block:
            block = 1.0
        elif incoming.block.startswith(candidate.block + "-") or candidate.block.startswith(incoming.block + "-"):
            block = 0.6
        else:
            block = 0.0
        town = _ratio(incoming.town, candidate.town) if incoming.town and candidate.town else 0.5
        address = 0.6 * block + 0.4 * town
    elif incoming.town and candidate.town:
        address = 0.5 * _ratio(incoming.town, candidate.town)
    else:
        address = 0.5
    if municipality == 0.0:
        address = min(address, 0.3)  # a block number is only meaningful within its town
    return round(WEIGHT_NAME * name + WEIGHT_MUNICIPALITY * municipality + WEIGHT_ADDRESS * address, 4)


def decide(scored: Sequence[tuple[int, float]]) -> MatchDecision:
    ranked = sorted(scored, key=lambda pair: (-pair[1], pair[0]))
    if not ranked:
        return MatchDecision("none")
    best_id, best = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    shortlist = [(b, s) for b, s in ranked[:5] if s >= REVIEW_THRESHOLD - 0.1]
    if best >= AUTO_LINK_THRESHOLD and best - runner_up >= AUTO_LINK_MARGIN:
        return MatchDecision("link", best_id, best, shortlist)
    if best >= REVIEW_THRESHOLD:
        return MatchDecision("review", best_id, best, shortlist)
    return MatchDecision("none", None, best, shortlist)


_COLUMNS = "m.business_id, m.prefecture, m.name_norm, m.legal_form, m.municipality_norm, m.town_norm, m.block"
_INPUT = "unnest(%s::int[], %s::text[], %s::text[], %s::text[], %s::text[]) AS q(idx, pref, name, muni, block)"

_EXACT_SQL = f"""
WITH q AS (SELECT * FROM {_INPUT})
SELECT q.idx, {_COLUMNS} FROM q JOIN linkage_matchindex m
  ON m.name_norm = q.name AND (q.pref = '' OR m.prefecture = q.pref)
UNION
SELECT q.idx, {_COLUMNS} FROM q JOIN linkage_matchindex m
  ON m.prefecture = q.pref AND m.municipality_norm = q.muni AND m.block = q.block
WHERE q.block <> '' AND q.muni <> '' AND q.pref <> ''
"""

# Two laterals rather than "(q.pref = '' OR m.prefecture = q.pref)": the OR would keep
# the prefecture out of the index condition and recheck five times as many rows.
_TRIGRAM_LATERAL = f"""
SELECT q.idx, c.* FROM q CROSS JOIN LATERAL (
  SELECT {_COLUMNS} FROM linkage_matchindex m
  WHERE m.name_norm %% q.name AND {{prefecture}}
  ORDER BY similarity(m.name_norm, q.name) DESC, m.business_id
  LIMIT {TRIGRAM_LIMIT}
) c WHERE {{where}}
"""
_TRIGRAM_SQL = (
    f"WITH q AS (SELECT * FROM {_INPUT})"
    + _TRIGRAM_LATERAL.format(prefecture="m.prefecture = q.pref", where="q.pref <> ''")
    + "UNION ALL"
    + _TRIGRAM_LATERAL.format(prefecture="TRUE", where="q.pref = ''")
)


def _fetch(sql: str, keys: Sequence[tuple[int, MatchKey]]) -> dict[int, list[Candidate]]:
    found: dict[int, list[Candidate]] = {}
    if not keys:
        return found
    params: list[Any] = [
        [i for i, _k in keys],
        [k.prefecture for _i, k in keys],
        [k.name for _i, k in keys],
        [k.municipality for _i, k in keys],
        [k.block for _i, k in keys],
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for idx, business_id, pref, name, form, muni, town, block in cursor.fetchall():
            found.setdefault(idx, []).append(Candidate(business_id, MatchKey(pref, name, form, muni, town, block)))
    return found


def _scored(key: MatchKey, candidates: list[Candidate]) -> list[tuple[int, float]]:
    best: dict[int, float] = {}
    for candidate in candidates:
        best[candidate.business_id] = max(best.get(candidate.business_id, 0.0), score(key, candidate.key))
    return list(best.items())


def match_many(keys: Sequence[MatchKey], *, chunk: int = 5000, timings: dict[str, float] | None = None) -> list[MatchDecision]:
    """Decisions for many records, in order. Runs a handful of queries per chunk;
    `timings` (optional) accumulates seconds spent per round, for the benchmark."""
    timings = timings if timings is not None else {}
    clock = time.perf_counter
    decisions: list[MatchDecision] = []
    for start in range(0, len(keys), chunk):
        part = list(enumerate(keys[start:start + chunk]))
        usable = [(i, k) for i, k in part if k.name]
        started = clock()
        exact = _fetch(_EXACT_SQL, usable)
        timings["exact_sql"] = timings.get("exact_sql", 0.0) + clock() - started
        started = clock()
        results: dict[int, MatchDecision] = {}
        unsettled: list[tuple[int, MatchKey]] = []
        for i, key in usable:
            decision = decide(_scored(key, exact.get(i, [])))
            results[i] = decision
            # Only records with no plausible candidate go on to the fuzzy round: one
            # already in review has its candidates, and more could only add doubt.
            if decision.status == "none":
                unsettled.append((i, key))
        timings["score"] = timings.get("score", 0.0) + clock() - started
        if unsettled:
            started = clock()
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(TRIGRAM_THRESHOLD)])
            fuzzy = _fetch(_TRIGRAM_SQL, unsettled)
            timings["trigram_sql"] = timings.get("trigram_sql", 0.0) + clock() - started
            timings["trigram_probes"] = timings.get("trigram_probes", 0) + len(unsettled)
            started = clock()
            for i, key in unsettled:
                candidates = exact.get(i, []) + fuzzy.get(i, [])
                results[i] = decide(_scored(key, candidates))
            timings["score"] = timings.get("score", 0.0) + clock() - started
        decisions.extend(results.get(i, MatchDecision("none")) for i, _k in part)
    return decisions
