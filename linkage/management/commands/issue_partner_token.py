from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from linkage.services import partner_client_issue


class Command(BaseCommand):
    help = "Issue a partner-system key to an institution and print it (it is shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("institution_id", type=int)
        parser.add_argument("--scopes", default="financials,support_records",
                            help="comma-separated record kinds the key may send: financials, support_records")
        parser.add_argument("--name", default="", help="a label for the partner system")

    def handle(self, *args, institution_id: int, scopes: str, name: str, **options):
        wanted = [s.strip() for s in scopes.split(",") if s.strip()]
        try:
            client, key = partner_client_issue(institution_id=institution_id, scopes=wanted, name=name)
        except ApplicationError as exc:
            raise CommandError("; ".join(m for messages in exc.errors.values() for m in messages)) from exc
        self.stderr.write(f"Partner client {client.pk} for institution {institution_id}, scopes {','.join(client.scopes)}.")
        self.stdout.write(key)
