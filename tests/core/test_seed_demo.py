"""seed_demo creates every demo account of api.md with usable, printed TOTP secrets."""

from __future__ import annotations

import io

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    validate_totp_code,
    yield_hotp_counters_from_time,
)
from django.core.management import call_command

from accounts.demo import DEMO_TOTP_SECRETS
from accounts.models import User

pytestmark = pytest.mark.django_db

DEMO_ACCOUNTS = {
    "owner@demo.mirasapo.jp": ["business", "prime"],
    "member@demo.mirasapo.jp": ["business", "member"],
    "soloist@demo.mirasapo.jp": ["business", "prime"],
    "advisor@shokokai.demo.mirasapo.jp": ["institution_staff"],
    "advisor2@yorozu.demo.mirasapo.jp": ["institution_staff"],
    "analyst@agency.demo.mirasapo.jp": ["agency_staff"],
    "researcher@univ.demo.mirasapo.jp": ["researcher", "approved_researcher"],
    "applicant-researcher@univ.demo.mirasapo.jp": ["researcher"],
}


def test_seed_demo_creates_the_demo_accounts(settings):
    out = io.StringIO()
    call_command("seed_demo", companies=12, stdout=out)
    printed = out.getvalue()
    for email, roles in DEMO_ACCOUNTS.items():
        user = User.objects.get(email=email)
        assert user.check_password(settings.DEMO_PASSWORD), email
        assert user.roles == roles, email
    for email, secret in DEMO_TOTP_SECRETS.items():
        user = User.objects.get(email=email)
        assert user.requires_mfa, email
        assert f"TOTP secret for {email}: {secret}" in printed
        counter = next(iter(yield_hotp_counters_from_time()))
        assert validate_totp_code(secret, format_hotp_value(hotp_value(secret, counter)))
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    # Every demo account that needs 2FA (the table's, and the staff of the other demo
    # institutions) has TOTP with a fixed secret that seed_demo prints.
    needs_mfa = {u.email for u in User.objects.all() if u.requires_mfa}
    assert set(DEMO_TOTP_SECRETS) <= needs_mfa
    assert needs_mfa == set(Authenticator.objects.filter(type=Authenticator.Type.TOTP).values_list("user__email", flat=True))
    for email in needs_mfa:
        assert f"TOTP secret for {email}: " in printed
    owner = User.objects.get(email="owner@demo.mirasapo.jp")
    assert owner.business.is_corporation
    assert User.objects.get(email="soloist@demo.mirasapo.jp").business.corp_type == 2
    assert User.objects.get(email="member@demo.mirasapo.jp").business == owner.business
