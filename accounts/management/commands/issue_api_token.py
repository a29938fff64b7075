from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from accounts.models import User


class Command(BaseCommand):
    help = "Issue (or show) the API token of a user and print the key."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        user = User.objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"No user with e-mail {email}.")
        if user.requires_mfa:
            from accounts.middleware import user_has_totp

            # A token skips the sign-in steps, so only a user who set up MFA gets one.
            if not user_has_totp(user):
                raise CommandError(f"{email} must set up two-factor authentication before an API token is issued.")
        token, _created = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
