"""Demo narrowings: about one business in ten has denied something, chosen with the
shared seeded RNG (deterministic for a given --seed). owner@'s and soloist@'s
businesses start with no narrowing, so the demo shows the table as it stands and the
person trying it makes the first change. Each narrowed business has one history row
and its audit row, as if its owner had chosen so when the policy came into force."""

from __future__ import annotations

from core.audit import audit_consent_changed
from core.demo import DemoContext

from .access import current_policy_version, policy_table
from .models import ConsentChange, Narrowing
from .selectors import denial_dicts, denial_key

# Choices people plausibly make: keep financials from institutions and researchers,
# keep the contact person from everyone outside government, stay off open data...
TYPICAL_DENIALS: list[tuple[int, int, int | None]] = [
    (6, 5, None), (6, 4, None), (5, 5, None), (11, 5, None), (3, 5, None),
    (1, 8, None), (8, 8, 9), (6, 3, None), (7, 5, 5), (1, 4, 1), (13, 6, None), (12, 6, 7),
]


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    table = policy_table()
    version = current_policy_version()
    protected = {ctx.owner_business_id, ctx.soloist_business_id}
    candidates = [b for b in ctx.business_ids if b not in protected]
    chosen = sorted(rng.sample(candidates, k=max(1, len(candidates) // 10))) if candidates else []
    narrowings, changes = [], []
    for business_id in chosen:
        picks = {d for d in rng.sample(TYPICAL_DENIALS, k=rng.randint(1, 3))
                 if any(table.allows(p, d[0], d[1]) for p in ([d[2]] if d[2] else table.purposes))}
        if not picks:
            continue
        narrowings.extend(Narrowing(business_id=business_id, data_class=c, recipient=r, purpose=p)
                          for c, r, p in sorted(picks, key=denial_key))
        changes.append(ConsentChange(business_id=business_id, policy=version, source=ConsentChange.Source.SYSTEM,
                                     before=[], after=denial_dicts(picks)))
    Narrowing.objects.bulk_create(narrowings, batch_size=2000)
    ConsentChange.objects.bulk_create(changes, batch_size=2000)
    for change in changes:
        audit_consent_changed(actor=None, business_id=change.business_id, policy_version=version.version,
                              before=change.before, after=change.after)
    ctx.extra["narrowed_business_ids"] = [c.business_id for c in changes]
    ctx.say(f"    {len(changes)} businesses narrowed their consent")
