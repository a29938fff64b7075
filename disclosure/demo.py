"""Demo disclosure requests in every state, made through the real services (so grants,
audit rows, outbox mail and an access-log entry exist as they would in use):

- pending:  advisor@ (商工会) → owner@'s company, by 法人番号
- approved: advisor2@ (よろず) → owner@'s company, two of three classes, with one read
- rejected: advisor@ → soloist@'s business, from the anonymised list
- revoked:  advisor2@ → soloist@'s business, approved then revoked
- expired:  advisor@ → owner@'s company, an approval whose last day has passed
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from consent.access import PURPOSE_CONSULTATION
from consent.registry import BUSINESS, BUSINESS_PLAN, CHALLENGES, FINANCIALS, IDENTITY
from core.demo import DemoContext

from .handles import make_handle
from .models import AccessLogEntry, DisclosureRequest
from .services import (
    company_data_release,
    disclosure_request_create,
    disclosure_request_decide,
    disclosure_request_expire,
    disclosure_request_revoke,
)


def seed(ctx: DemoContext) -> None:
    from companies.models import Business

    advisor = ctx.users["advisor@shokokai.demo.mirasapo.jp"]
    advisor2 = ctx.users["advisor2@yorozu.demo.mirasapo.jp"]
    owner = ctx.users["owner@demo.mirasapo.jp"]
    soloist = ctx.users["soloist@demo.mirasapo.jp"]
    owner_number = Business.objects.get(pk=ctx.owner_business_id).corporate_number
    today = timezone.localdate()

    # Expired: asked 100 days ago, approved the next day, ended 40 days ago.
    expired = disclosure_request_create(
        actor=advisor, corporate_number=owner_number, purpose=PURPOSE_CONSULTATION, data_classes=[IDENTITY, FINANCIALS], valid_until=today - dt.timedelta(days=40),
        message="持続化補助金の申請支援のため、財務情報を拝見したくお願いいたします。", on=today - dt.timedelta(days=100),
    )
    DisclosureRequest.objects.filter(pk=expired.pk).update(created_at=timezone.now() - dt.timedelta(days=100))
    disclosure_request_decide(actor=owner, request_id=expired.pk, decision="approve", on=today - dt.timedelta(days=99))
    disclosure_request_expire(request_id=expired.pk, on=today)

    pending = disclosure_request_create(
        actor=advisor, corporate_number=owner_number, purpose=PURPOSE_CONSULTATION, data_classes=[IDENTITY, FINANCIALS, BUSINESS_PLAN], valid_until=today + dt.timedelta(days=90),
        message="来月の経営相談に向けて、財務情報と事業計画を事前に拝見できればと存じます。商工会 経営指導員 商工太郎",
    )

    approved = disclosure_request_create(
        actor=advisor2, corporate_number=owner_number, purpose=PURPOSE_CONSULTATION, data_classes=[IDENTITY, BUSINESS, FINANCIALS], valid_until=today + dt.timedelta(days=180),
        message="IT導入のご相談に先立ち、事業内容と財務状況を確認させてください。",
    )
    disclosure_request_decide(actor=owner, request_id=approved.pk, decision="approve", data_classes=[IDENTITY, FINANCIALS])
    company_data_release(viewer=advisor2, business_id=ctx.owner_business_id, channel=AccessLogEntry.Channel.PAGE)

    rejected = disclosure_request_create(
        actor=advisor, handle=make_handle(business_id=ctx.soloist_business_id, institution_id=advisor.institution_id),
        purpose=PURPOSE_CONSULTATION, data_classes=[IDENTITY, BUSINESS, FINANCIALS, CHALLENGES], valid_until=today + dt.timedelta(days=60),
        message="地域の小規模事業者の皆さまに支援策をご案内しています。",
    )
    disclosure_request_decide(actor=soloist, request_id=rejected.pk, decision="reject")

    revoked = disclosure_request_create(
        actor=advisor2, handle=make_handle(business_id=ctx.soloist_business_id, institution_id=advisor2.institution_id),
        purpose=PURPOSE_CONSULTATION, data_classes=[IDENTITY, FINANCIALS], valid_until=today + dt.timedelta(days=120),
        message="販路開拓のご相談の件で、財務情報を拝見したくお願いします。",
    )
    disclosure_request_decide(actor=soloist, request_id=revoked.pk, decision="approve")
    disclosure_request_revoke(actor=soloist, request_id=revoked.pk)
    ctx.extra["disclosure_pending_id"] = pending.pk
    ctx.say("  5 disclosure requests (pending, approved, rejected, revoked, expired)")
