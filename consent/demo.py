"""Demo narrowings: about one business in ten has denied something, chosen with the
shared seeded RNG (deterministic for a given --seed). owner@'s and soloist@'s
businesses start with no narrowing, so the demo shows the table as it stands and the
person trying it makes the first change. Each narrowed business has one history row
and its audit row, as if its owner had chosen so when the policy came into force."""

from __future__ import annotations

from core.demo import DemoContext

from .access import (
    IAA,
    PUBLIC,
    PURPOSE_EBPM,
    PURPOSE_OPEN_DATA,
    PURPOSE_SUPPORT_INFORMATION,
    PURPOSE_TRACK_RECORD,
    RESEARCHERS,
    SMES,
    SUPPORT_INSTITUTIONS,
    policy_table,
)
from .registry import (
    APPLICATION_CONTENT,
    BUSINESS,
    BUSINESS_PLAN,
    CHALLENGES,
    CONTACT_PERSON,
    FINANCIALS,
    IDENTITY,
    SUPPORT_INSTITUTION,
    SUPPORT_RECORD,
)
from .services import consent_narrowings_seed

# Choices people plausibly make: keep financials from institutions and researchers,
# keep the contact person from everyone outside government, stay off open data...
TYPICAL_DENIALS: list[tuple[int, int, int | None]] = [
    (FINANCIALS, SUPPORT_INSTITUTIONS, None), (FINANCIALS, RESEARCHERS, None), (CONTACT_PERSON, SUPPORT_INSTITUTIONS, None),
    (CHALLENGES, SUPPORT_INSTITUTIONS, None), (BUSINESS, SUPPORT_INSTITUTIONS, None), (IDENTITY, PUBLIC, None),
    (APPLICATION_CONTENT, PUBLIC, PURPOSE_OPEN_DATA), (FINANCIALS, IAA, None),
    (BUSINESS_PLAN, SUPPORT_INSTITUTIONS, PURPOSE_SUPPORT_INFORMATION), (IDENTITY, RESEARCHERS, PURPOSE_EBPM),
    (SUPPORT_RECORD, SMES, None), (SUPPORT_INSTITUTION, SMES, PURPOSE_TRACK_RECORD),
]


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    table = policy_table()
    protected = {ctx.owner_business_id, ctx.soloist_business_id}
    candidates = [b for b in ctx.business_ids if b not in protected]
    chosen = sorted(rng.sample(candidates, k=max(1, len(candidates) // 10))) if candidates else []
    denials_by_business: dict[int, set[tuple[int, int, int | None]]] = {}
    for business_id in chosen:
        picks = {d for d in rng.sample(TYPICAL_DENIALS, k=rng.randint(1, 3))
                 if any(table.allows(p, d[0], d[1]) for p in ([d[2]] if d[2] else table.purposes))}
        if picks:
            denials_by_business[business_id] = picks
    count = consent_narrowings_seed(denials_by_business=denials_by_business)
    ctx.extra["narrowed_business_ids"] = sorted(denials_by_business)
    ctx.say(f"    {count} businesses narrowed their consent")
