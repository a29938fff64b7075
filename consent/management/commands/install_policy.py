"""`manage.py install_policy FILE --version V --effective-from DATE`: add a new policy
version from a JSON file in the form of consent/data/policy-v1.json, without code.

Versions are kept, never overwritten; the one in force on a day is the latest whose
effective date has come, so a version can be installed ahead of its date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from consent.policy_loader import install_spec, load_spec


class Command(BaseCommand):
    help = "Install a new version of the data-utilisation policy from a JSON file."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Our --version names the policy version; it replaces Django's own --version flag.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--version", dest="policy_version", required=True)
        parser.add_argument("--effective-from", required=True, help="YYYY-MM-DD")
        parser.add_argument("--title", default=None)

    def handle(self, *args: Any, file: str, policy_version: str, effective_from: str, title: str | None,
               **options: Any) -> None:
        try:
            effective = dt.date.fromisoformat(effective_from)
        except ValueError as exc:
            raise CommandError(f"--effective-from must be a date (YYYY-MM-DD): {effective_from!r}") from exc
        try:
            spec = load_spec(file)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"Cannot read the policy file {file}: {exc}") from exc
        try:
            with transaction.atomic():
                policy = install_spec(apps, spec, version=policy_version, effective_from=effective, title=title)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Installed policy version {policy.version}, in force from {policy.effective_from}.")
