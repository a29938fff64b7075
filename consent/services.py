"""Writes of consent: narrowings and institution grants. Each writes its audit row in the
same transaction (core.audit), so a change without its audit row never commits."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core.audit import Kind, audit_event

from .access import current_policy_version
from .models import InstitutionGrant


@transaction.atomic
def institution_grant_create(*, actor, business, institution, purpose: int, data_classes: list[int],
                             valid_from: dt.date, valid_until: dt.date, disclosure_request_id: int) -> InstitutionGrant:
    """The business approved a disclosure request: recipient 5 may use these classes."""
    grant = InstitutionGrant.objects.create(
        business=business, institution=institution, purpose=purpose, data_classes=sorted(set(data_classes)),
        valid_from=valid_from, valid_until=valid_until, disclosure_request_id=disclosure_request_id,
    )
    audit_event(kind=Kind.DISCLOSURE_DECIDED, actor=actor, business_id=business.pk, institution_id=institution.pk, obj=grant,
                policy_version=current_policy_version().version,
                data={"decision": "approve", "purpose": purpose, "data_classes": grant.data_classes,
                      "valid_until": valid_until.isoformat(), "disclosure_request_id": disclosure_request_id})
    return grant


@transaction.atomic
def institution_grant_revoke(*, actor, disclosure_request_id: int, reason: str = "revoked") -> InstitutionGrant | None:
    """End an approval at once (revoked by the business, or expired)."""
    grant = InstitutionGrant.objects.select_for_update().filter(disclosure_request_id=disclosure_request_id).first()
    if grant is None or grant.revoked_at is not None:
        return grant
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at", "updated_at"])
    audit_event(kind=Kind.DISCLOSURE_EXPIRED if reason == "expired" else Kind.DISCLOSURE_REVOKED, actor=actor,
                business_id=grant.business_id, institution_id=grant.institution_id, obj=grant,
                data={"disclosure_request_id": disclosure_request_id, "reason": reason})
    return grant
