"""One typed function per audit event kind. Each must run inside the transaction of the
change it records; an audit row that cannot be written rolls the change back."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from core.models import AuditEvent

Kind = AuditEvent.Kind


def _record(*, kind: str, actor=None, business_id=None, institution_id=None, obj=None,
            policy_version: str = "", data: dict[str, Any] | None = None) -> AuditEvent:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("Audit events are written inside the transaction of their change.")
    return AuditEvent.objects.create(
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        business_id=business_id,
        institution_id=institution_id,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        policy_version=policy_version,
        data=data or {},
    )


def audit_consent_changed(*, actor, business_id: int, policy_version: str, before: list, after: list) -> AuditEvent:
    return _record(kind=Kind.CONSENT_CHANGED, actor=actor, business_id=business_id,
                   policy_version=policy_version, data={"before": before, "after": after})


def audit_consent_receipt(*, actor, business_id: int, policy_version: str, digest: str) -> AuditEvent:
    return _record(kind=Kind.CONSENT_RECEIPT, actor=actor, business_id=business_id,
                   policy_version=policy_version, data={"sha256": digest})


def audit_data_released(*, actor, business_id: int, purpose: int, data_classes: list[int], recipient: int,
                        policy_version: str, channel: str, institution_id: int | None = None) -> AuditEvent:
    return _record(kind=Kind.DATA_RELEASED, actor=actor, business_id=business_id, institution_id=institution_id,
                   policy_version=policy_version,
                   data={"purpose": purpose, "data_classes": sorted(data_classes), "recipient": recipient, "channel": channel})


def audit_event(*, kind: str, actor=None, business_id=None, institution_id=None, obj=None,
                policy_version: str = "", data: dict[str, Any] | None = None) -> AuditEvent:
    """For the other kinds of AuditEvent.Kind; callers pass identifiers and choices only."""
    if kind not in AuditEvent.Kind.values:
        raise ValueError(f"Unknown audit kind {kind!r}")
    return _record(kind=kind, actor=actor, business_id=business_id, institution_id=institution_id,
                   obj=obj, policy_version=policy_version, data=data)
