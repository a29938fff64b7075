from __future__ import annotations

from django.core.management.base import BaseCommand

from linkage.services import match_index_refresh


class Command(BaseCommand):
    help = "Refresh the name-matching index of businesses (--full rebuilds every row)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true")

    def handle(self, *args, full: bool, **options):
        written = match_index_refresh(stale_only=not full)
        self.stdout.write(f"{written} businesses indexed.")
