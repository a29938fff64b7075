"""Plain-text DRF tokens become hashed ApiTokens (90 days from now); the plain keys are
deleted. A key already handed out keeps working until it expires or is revoked."""

import datetime as dt
import hashlib

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    try:
        Token = apps.get_model("authtoken", "Token")
    except LookupError:
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    expires = timezone.now() + dt.timedelta(days=90)
    for token in Token.objects.all():
        ApiToken.objects.get_or_create(
            key_hash=hashlib.sha256(token.key.encode()).hexdigest(),
            defaults={"user_id": token.user_id, "name": "API", "prefix": token.key[:8], "expires_at": expires},
        )
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_api_tokens_and_login_failures"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
