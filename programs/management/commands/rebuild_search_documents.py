"""Rebuild the search documents (search_tokens) of programs, case studies and support
institutions, e.g. after a change of the tokeniser or its dictionary."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from institutions.models import Institution
from programs.models import CaseStudy, SupportProgram


class Command(BaseCommand):
    help = "Rebuild search_tokens of programs, case studies and institutions."

    def handle(self, *args, **options):
        for model, refresh, fields in (
            (SupportProgram, "refresh_search_text", ["search_text", "search_tokens"]),
            (CaseStudy, "refresh_search_text", ["search_text", "search_tokens"]),
            (Institution, "refresh_search_tokens", ["search_tokens"]),
        ):
            rows = list(model.objects.all())
            for row in rows:
                getattr(row, refresh)()
            with transaction.atomic():
                model.objects.bulk_update(rows, fields, batch_size=500)
            self.stdout.write(f"{model._meta.label}: {len(rows)} search documents rebuilt")
