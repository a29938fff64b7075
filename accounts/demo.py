"""The demo accounts of api.md, with the demo password and fixed TOTP secrets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password

from core.demo import DemoContext

from .models import Membership, ResearcherProfile, User

# Fixed base32 secrets (32 characters, 160 bits, as RFC 4226 recommends) so that a person
# trying the demo can add them to an authenticator app.
DEMO_TOTP_SECRETS = {
    "owner@demo.mirasapo.jp": "MIRASAPOOWNERDEMOMIRASAPOOWNER23",
    "soloist@demo.mirasapo.jp": "MIRASAPOSOLOISTDEMOMIRASAPOSOLO2",
    "advisor@shokokai.demo.mirasapo.jp": "MIRASAPOADVISORDEMOMIRASAPOADVI6",
    "advisor2@yorozu.demo.mirasapo.jp": "MIRASAPOADVISORTWODEMOMIRASAPOA7",
    "analyst@agency.demo.mirasapo.jp": "MIRASAPOANALYSTDEMOMIRASAPOANAL3",
    "researcher@univ.demo.mirasapo.jp": "MIRASAPORESEARCHDEMOMIRASAPORES4",
    "applicant-researcher@univ.demo.mirasapo.jp": "MIRASAPOAPPLICANTRESMIRASAPOAPP5",
}


def demo_totp_secret(email: str) -> str:
    """A fixed secret for a demo account that needs 2FA but is not in the table above
    (the staff of the other demo institutions): derived from its e-mail address, printed
    by seed_demo like the others."""
    import base64
    import hashlib

    return base64.b32encode(hashlib.sha256(f"mirasapo-demo:{email}".encode()).digest()[:20]).decode()


def activate_demo_totp(ctx: DemoContext, user: User) -> None:
    secret = DEMO_TOTP_SECRETS.get(user.email) or demo_totp_secret(user.email)
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    ctx.totp_secrets[user.email] = secret


def _password_hash(ctx: DemoContext) -> str:
    """Every demo account has the same password: hash it once (a strong hash takes about
    a second; eight of them would dominate seeding). Demo data only."""
    if "password_hash" not in ctx.extra:
        ctx.extra["password_hash"] = make_password(ctx.password)
    return str(ctx.extra["password_hash"])


def _user(ctx: DemoContext, email: str, **fields: Any) -> User:
    user = User.objects.create(email=email, password=_password_hash(ctx), **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    secret = DEMO_TOTP_SECRETS.get(email)
    if secret:
        TOTP.activate(user, secret)
        RecoveryCodes.activate(user)
        ctx.totp_secrets[email] = secret
    ctx.users[email] = user
    return user


def seed(ctx: DemoContext) -> None:
    owner = _user(ctx, "owner@demo.mirasapo.jp", full_name="青葉 一郎", kind=User.Kind.BUSINESS)
    Membership.objects.create(user=owner, business_id=ctx.owner_business_id, account_type=Membership.AccountType.PRIME)
    member = _user(ctx, "member@demo.mirasapo.jp", full_name="青葉 次郎", kind=User.Kind.BUSINESS)
    Membership.objects.create(user=member, business_id=ctx.owner_business_id, account_type=Membership.AccountType.MEMBER,
                              can_draft_applications=True, issued_by=owner)
    soloist = _user(ctx, "soloist@demo.mirasapo.jp", full_name="鈴木 花子", kind=User.Kind.BUSINESS)
    Membership.objects.create(user=soloist, business_id=ctx.soloist_business_id, account_type=Membership.AccountType.PRIME)
    _user(ctx, "advisor@shokokai.demo.mirasapo.jp", full_name="商工 太郎", kind=User.Kind.INSTITUTION_STAFF, institution_id=ctx.extra["shokokai_id"])
    _user(ctx, "advisor2@yorozu.demo.mirasapo.jp", full_name="万 花子", kind=User.Kind.INSTITUTION_STAFF, institution_id=ctx.extra["yorozu_id"])
    _user(ctx, "analyst@agency.demo.mirasapo.jp", full_name="中小 分析", kind=User.Kind.AGENCY_STAFF, is_staff=True, is_superuser=True)
    researcher = _user(ctx, "researcher@univ.demo.mirasapo.jp", full_name="研究 一郎", kind=User.Kind.RESEARCHER)
    ResearcherProfile.objects.create(user=researcher, affiliation="みらさぽ大学 経済学研究科",
                                     pledge_status=ResearcherProfile.PledgeStatus.APPROVED,
                                     approved_until=dt.date(2027, 12, 31))
    applicant = _user(ctx, "applicant-researcher@univ.demo.mirasapo.jp", full_name="申請 花子", kind=User.Kind.RESEARCHER)
    ResearcherProfile.objects.create(user=applicant, affiliation="みらさぽ大学 経営学研究科",
                                     pledge_status=ResearcherProfile.PledgeStatus.PENDING)
