"""Demo narrowings: about one business in ten has denied something, chosen with the
shared seeded RNG (deterministic for a given --seed). owner@'s and soloist@'s
businesses start with no narrowing, so the demo shows the table as it stands and the
person trying it makes the first change. Each narrowed business has one history row
and its audit row, as if its owner had chosen so when the policy came into force."""

from __future__ import annotations

from core.demo import DemoContext

from .access import policy_table
from .services import consent_narrowings_seed

# Choices people plausibly make: keep financials from institutions and researchers,
# keep the contact person from everyone outside government, stay off open data...
TYPICAL_DENIALS: list[tuple[int, int, int | None]] = [
    (6, 5, None), (6, 4, None), (5, 5, None), (11, 5, None), (3, 5, None),
    (1, 8, None), (8, 8, 9), (6, 3, None), (7, 5, 5), (1, 4, 1), (13, 6, None), (12, 6, 7),
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
