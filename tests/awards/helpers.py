"""Building post-adoption states through the real services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from applications import services as application_services
from awards import services
from tests.applications.helpers import complete_draft, start_draft, submitted
from tests.documents.factories import uploaded_document


def vault_storage_at(settings, tmp_path):
    root = tmp_path / "vault"
    settings.STORAGES = {**settings.STORAGES, "documents": {
        "BACKEND": "documents.storage.PrivateFileSystemStorage", "OPTIONS": {"location": str(root)}}}
    return root


def adopted_application(prime, staff, subsidy_round, **content):
    """Submitted with COMPLETE_JIZOKUKA (advertising 300,000 + travel 60,000) and `content`, adopted."""
    if content:
        draft = complete_draft(prime, start_draft(prime, subsidy_round=subsidy_round), **content)
        application = application_services.application_submit(actor=prime, application_id=draft.pk, pledge=True)
    else:
        application = submitted(prime, subsidy_round)
    application_services.application_review_start(actor=staff, application_id=application.pk)
    return application_services.application_review_decide(actor=staff, application_id=application.pk,
                                                           score=Decimal("80"), result="adopted")


def granted(prime, staff, application):
    services.grant_request(actor=prime, application_id=application.pk, tax_mode="excluded")
    today = timezone.localdate()
    return services.grant_decide(actor=staff, application_id=application.pk, project_end=today + dt.timedelta(days=60),
                                 report_due=today + dt.timedelta(days=90))


def receipt(prime, tag: str):
    return uploaded_document(prime, tag=tag, document_type="receipt")


def line(prime, *, document, **overrides) -> services.LineInput:
    values = dict(category="advertising", description="チラシ印刷", vendor="株式会社印刷堂", paid_on=timezone.localdate(),
                  amount=250_000, tax_mode="excluded", receipt_id=document.pk)
    values.update(overrides)
    return services.LineInput(**values)


def lodging(prime, *, document, nights=2, per_night=10_900, region="domestic_kou", **overrides) -> services.LineInput:
    values = dict(category="travel", description="展示会出張の宿泊", vendor="ホテル青葉", amount=nights * per_night,
                  travel_item="lodging", region=region, nights=nights, lodging_per_night=per_night)
    values.update(overrides)
    return line(prime, document=document, **values)


def reported(prime, staff, application):
    granted(prime, staff, application)
    services.expense_line_add(actor=prime, application_id=application.pk, line=line(prime, document=receipt(prime, "r1")))
    services.expense_line_add(actor=prime, application_id=application.pk, line=lodging(prime, document=receipt(prime, "r2")))
    services.report_submit(actor=prime, application_id=application.pk, summary="チラシを配布し、展示会に出展した。")
    return application
