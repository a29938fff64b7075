from __future__ import annotations

import importlib
import random
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from core.bulk import analyze
from core.demo import SEED_ORDER, SEEDING, DemoContext, seeded


class Command(BaseCommand):
    help = "Fill an empty database with a deterministic, realistic demo data set and the demo accounts of api.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--companies", type=int, default=300)
        parser.add_argument("--seed", type=int, default=20261123)
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when demo data is already there.")

    def handle(self, *args: Any, companies: int, seed: int, if_empty: bool, **options: Any) -> None:
        from companies.models import Business

        if Business.objects.exists():
            if if_empty:
                self.stdout.write("Demo data already present; nothing to do.")
                return
            raise CommandError("seed_demo fills an empty database; this one already has businesses.")
        if companies < 10:
            raise CommandError("--companies must be at least 10.")
        ctx = DemoContext(rng=random.Random(seed), companies=companies, password=settings.DEMO_PASSWORD, stdout=self.stdout)
        started = time.monotonic()
        token = SEEDING.set(True)
        try:
            self._seed(ctx)
        finally:
            SEEDING.reset(token)
        seeded.send(sender=self.__class__)
        # Statistics for what was just filled: without them the planner takes the new tables
        # as empty until autovacuum comes by, and the consent filters' plans collapse.
        step = time.monotonic()
        analyze()
        self.stdout.write(f"  analyzed in {time.monotonic() - step:.1f}s")
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({companies} companies) in {time.monotonic() - started:.1f}s."))
        self.stdout.write(f"Demo password for every account: {ctx.password}")
        for email, secret in sorted(ctx.totp_secrets.items()):
            self.stdout.write(f"TOTP secret for {email}: {secret}")

    def _seed(self, ctx: DemoContext) -> None:
        with transaction.atomic():
            for app_name in SEED_ORDER:
                try:
                    module = importlib.import_module(f"{app_name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app_name}.demo":
                        raise
                    continue
                step = time.monotonic()
                module.seed(ctx)
                self.stdout.write(f"  seeded {app_name} in {time.monotonic() - step:.1f}s")
