"""The demo-data framework behind `manage.py seed_demo`.

Each app that has demo data defines `<app>/demo.py` with `seed(ctx: DemoContext)`; they
run in SEED_ORDER inside one transaction, sharing one seeded random generator, so the
data set is deterministic for a given --seed and --companies.
"""

from __future__ import annotations

import contextvars
import random
from dataclasses import dataclass, field
from typing import Any

from django.dispatch import Signal

# True while seed_demo fills an empty database: receivers that keep derived data fresh
# (recommendation sets, the open-data cache) have nothing to refresh yet and skip their work.
SEEDING: contextvars.ContextVar[bool] = contextvars.ContextVar("mirasapo_seeding", default=False)
# Sent once the seed is committed, for those receivers to catch up.
seeded = Signal()

SEED_ORDER = [
    "companies",      # businesses, their records and financials
    "institutions",   # support institutions
    "accounts",       # the demo accounts of api.md, memberships, researchers
    "consent",        # narrowings of some businesses
    "applications",   # rounds, applications, reviews, adoptions
    "reviews",        # the review criteria of the demo's 持続化 rounds
    "awards",         # after adoption: grant, ledger, report, payment
    "programs",       # support programs and case studies
    "disclosure",     # disclosure requests in every state
    "supportplans",   # a 様式4 request from owner@'s draft to 仙台商工会
    "recommend",      # favourites, views, saved searches
    "notifications",
    "analytics",      # research pledges; the built-in effect of adoption on financials
    "linkage",        # partner systems and their records
]


@dataclass
class DemoContext:
    rng: random.Random
    companies: int
    password: str
    stdout: Any = None
    # Filled as seeders run; later seeders read what earlier ones made.
    business_ids: list[int] = field(default_factory=list)
    owner_business_id: int = 0  # 0 until companies.demo has made it
    soloist_business_id: int = 0
    institution_ids: list[int] = field(default_factory=list)
    users: dict[str, Any] = field(default_factory=dict)  # email -> User
    extra: dict[str, Any] = field(default_factory=dict)
    totp_secrets: dict[str, str] = field(default_factory=dict)

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)
