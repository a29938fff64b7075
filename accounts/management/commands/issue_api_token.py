from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from accounts.services import API_TOKEN_DAYS, api_token_issue
from core.errors import ApplicationError


class Command(BaseCommand):
    help = "Issue a new API token for a user and print its key (shown once; only its hash is stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="issue_api_token")
        parser.add_argument("--days", type=int, default=API_TOKEN_DAYS, help="validity in days (at most 365)")

    def handle(self, *args: Any, email: str, name: str, days: int, **options: Any) -> None:
        user = User.objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"No user with e-mail {email}.")
        try:
            _token, key = api_token_issue(user=user, name=name, days=days)
        except ApplicationError as error:
            raise CommandError(f"{email}: {' '.join(m for ms in error.errors.values() for m in ms) or error.message}") from error
        self.stdout.write(key)
