"""One typed function per audit event kind.

Each runs inside the transaction of the change it records (refused outside one), so an
audit row that cannot be written rolls the change back. Rows hold identifiers and
old/new values of choices, never copies of personal data. There is no free-form
writer: a new kind of event gets its `AuditEvent.Kind` and its function here, so the
shape of each kind's `data` is fixed in one place (tests/core/test_audit.py checks that
every kind but the retired ones has exactly one writer).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db import models, transaction

from core.models import AuditEvent

Kind = AuditEvent.Kind

# Kinds no function writes any more: each covered several events, now a kind each
# (disclosure approved / rejected; member added / permissions changed / removed). The
# rows written before stay as they are: the log is append-only.
RETIRED_KINDS = frozenset({Kind.DISCLOSURE_DECIDED, Kind.MEMBER_CHANGED})


def _record(*, kind: str, actor: Any = None, business_id: int | None = None, institution_id: int | None = None,
            obj: models.Model | None = None, policy_version: str = "", data: dict[str, Any] | None = None) -> AuditEvent:
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


# --- consent --------------------------------------------------------------------------------

def audit_consent_changed(*, actor: Any, business_id: int, policy_version: str, before: list[Any], after: list[Any]) -> AuditEvent:
    return _record(kind=Kind.CONSENT_CHANGED, actor=actor, business_id=business_id,
                   policy_version=policy_version, data={"before": before, "after": after})


def audit_consent_receipt(*, actor: Any, business_id: int, policy_version: str, digest: str) -> AuditEvent:
    return _record(kind=Kind.CONSENT_RECEIPT, actor=actor, business_id=business_id,
                   policy_version=policy_version, data={"sha256": digest})


def audit_data_released(*, actor: Any, business_id: int, purpose: int, data_classes: list[int], recipient: int,
                        policy_version: str, channel: str, institution_id: int | None = None) -> AuditEvent:
    return _record(kind=Kind.DATA_RELEASED, actor=actor, business_id=business_id, institution_id=institution_id,
                   policy_version=policy_version,
                   data={"purpose": purpose, "data_classes": sorted(data_classes), "recipient": recipient, "channel": channel})


def audit_institution_blocked(*, actor: Any, business_id: int, institution_id: int, block: models.Model) -> AuditEvent:
    """The business stopped an institution from reaching it (its requests are hidden)."""
    return _record(kind=Kind.INSTITUTION_BLOCKED, actor=actor, business_id=business_id, institution_id=institution_id,
                   obj=block, data={"institution_id": institution_id})


def audit_institution_unblocked(*, actor: Any, business_id: int, institution_id: int, block: models.Model) -> AuditEvent:
    return _record(kind=Kind.INSTITUTION_UNBLOCKED, actor=actor, business_id=business_id, institution_id=institution_id,
                   obj=block, data={"institution_id": institution_id})


# --- disclosure -----------------------------------------------------------------------------

def audit_disclosure_requested(*, actor: Any, request: models.Model, business_id: int | None, institution_id: int,
                               purpose: int, data_classes: list[int], valid_until: dt.date, via: str,
                               delivered: bool) -> AuditEvent:
    return _record(kind=Kind.DISCLOSURE_REQUESTED, actor=actor, business_id=business_id, institution_id=institution_id,
                   obj=request, data={"purpose": purpose, "data_classes": sorted(data_classes),
                                      "valid_until": valid_until.isoformat(), "via": via, "delivered": delivered})


def audit_disclosure_approved(*, actor: Any, grant: models.Model, business_id: int, institution_id: int, purpose: int,
                              data_classes: list[int], valid_until: dt.date, disclosure_request_id: int,
                              policy_version: str) -> AuditEvent:
    """The business approved a request: the grant it gave is the object."""
    return _record(kind=Kind.DISCLOSURE_APPROVED, actor=actor, business_id=business_id, institution_id=institution_id,
                   obj=grant, policy_version=policy_version,
                   data={"decision": "approve", "purpose": purpose, "data_classes": sorted(data_classes),
                         "valid_until": valid_until.isoformat(), "disclosure_request_id": disclosure_request_id})


def audit_disclosure_rejected(*, actor: Any, request: models.Model, business_id: int, institution_id: int,
                              purpose: int, data_classes: list[int]) -> AuditEvent:
    return _record(kind=Kind.DISCLOSURE_REJECTED, actor=actor, business_id=business_id, institution_id=institution_id,
                   obj=request, data={"decision": "reject", "purpose": purpose, "data_classes": sorted(data_classes)})


def audit_disclosure_ended(*, actor: Any, obj: models.Model, business_id: int | None, institution_id: int,
                           disclosure_request_id: int,
                           reason: Literal["revoked", "declined", "expired", "unanswered"]) -> AuditEvent:
    """An approval revoked by the business, ended by the institution when it declined the
    service it was given for (a 様式4), or expired (the grant is the object), or a request
    left unanswered until its date (the request is the object)."""
    kind = Kind.DISCLOSURE_REVOKED if reason in ("revoked", "declined") else Kind.DISCLOSURE_EXPIRED
    return _record(kind=kind, actor=actor, business_id=business_id, institution_id=institution_id, obj=obj,
                   data={"disclosure_request_id": disclosure_request_id, "reason": reason})


# --- research -------------------------------------------------------------------------------

def audit_extract_downloaded(*, actor: Any, download: models.Model, policy_version: str, filters: dict[str, Any],
                             rows: int, sha256: str, purpose: int, recipient: int) -> AuditEvent:
    return _record(kind=Kind.EXTRACT_DOWNLOADED, actor=actor, obj=download, policy_version=policy_version,
                   data={"filters": filters, "rows": rows, "sha256": sha256, "purpose": purpose, "recipient": recipient})


def audit_pledge_decided(*, actor: Any, profile: models.Model, before: str, after: str) -> AuditEvent:
    """A researcher's pledge status changed (the status the consent decision reads)."""
    return _record(kind=Kind.PLEDGE_DECIDED, actor=actor, obj=profile, data={"before": before, "after": after})


# --- applications ---------------------------------------------------------------------------

def audit_application_submitted(*, actor: Any, application: models.Model, business_id: int, program: str,
                                round_number: int | None, receipt_number: str, submission: int = 1) -> AuditEvent:
    """`submission` counts the submissions of the application (a resubmission after correction is 2, ...)."""
    return _record(kind=Kind.APPLICATION_SUBMITTED, actor=actor, business_id=business_id, obj=application,
                   data={"program": program, "round": round_number, "receipt_number": receipt_number,
                         "submission": submission})


def audit_application_reviewed(*, actor: Any, application: models.Model, business_id: int,
                               result: Literal["adopted", "not_adopted", "certified"]) -> AuditEvent:
    return _record(kind=Kind.APPLICATION_REVIEWED, actor=actor, business_id=business_id, obj=application,
                   data={"result": result})


def audit_application_withdrawn(*, actor: Any, application: models.Model, business_id: int, from_status: str,
                                receipt_number: str) -> AuditEvent:
    return _record(kind=Kind.APPLICATION_WITHDRAWN, actor=actor, business_id=business_id, obj=application,
                   data={"from": from_status, "receipt_number": receipt_number})


# --- linkage --------------------------------------------------------------------------------

def audit_records_imported(*, actor: Any, institution_id: int, obj: models.Model, channel: str,
                           business_id: int | None = None, records: int | None = None,
                           counts: dict[str, int] | None = None, batch_id: int | None = None,
                           outcome: str | None = None) -> AuditEvent:
    """A batch of partner records stored (CSV or API: records and counts), or one record
    linked by a reviewer (channel "review": its batch and outcome)."""
    data: dict[str, Any] = {"channel": channel}
    if records is not None:
        data["records"] = records
    if counts is not None:
        data["counts"] = counts
    if batch_id is not None:
        data["batch"] = batch_id
    if outcome is not None:
        data["outcome"] = outcome
    return _record(kind=Kind.RECORD_IMPORTED, actor=actor, business_id=business_id, institution_id=institution_id,
                   obj=obj, data=data)


# --- accounts -------------------------------------------------------------------------------

def audit_member_added(*, actor: Any, business_id: int, member: models.Model, can_draft_applications: bool,
                       can_edit_record: bool) -> AuditEvent:
    return _record(kind=Kind.MEMBER_ADDED, actor=actor, business_id=business_id, obj=member,
                   data={"action": "added", "can_draft_applications": can_draft_applications,
                         "can_edit_record": can_edit_record})


def audit_member_permissions_changed(*, actor: Any, business_id: int, member: models.Model, before: dict[str, bool],
                                     after: dict[str, bool]) -> AuditEvent:
    return _record(kind=Kind.MEMBER_PERMISSIONS_CHANGED, actor=actor, business_id=business_id, obj=member,
                   data={"action": "permissions", "before": before, "after": after})


def audit_member_removed(*, actor: Any, business_id: int, member: models.Model) -> AuditEvent:
    return _record(kind=Kind.MEMBER_REMOVED, actor=actor, business_id=business_id, obj=member,
                   data={"action": "removed"})


# --- documents ------------------------------------------------------------------------------

def audit_document_uploaded(*, actor: Any, business_id: int, document: models.Model, document_type: str,
                            data_class: int, size: int, sha256: str) -> AuditEvent:
    return _record(kind=Kind.DOCUMENT_UPLOADED, actor=actor, business_id=business_id, obj=document,
                   data={"document_type": document_type, "data_class": data_class, "size": size, "sha256": sha256})


def audit_document_attached(*, actor: Any, business_id: int, document: models.Model, application_id: int,
                            data_class: int) -> AuditEvent:
    return _record(kind=Kind.DOCUMENT_ATTACHED, actor=actor, business_id=business_id, obj=document,
                   data={"application_id": application_id, "data_class": data_class})


def audit_document_detached(*, actor: Any, business_id: int, application_id: int, document_id: int) -> AuditEvent:
    return _record(kind=Kind.DOCUMENT_DETACHED, actor=actor, business_id=business_id,
                   data={"application_id": application_id, "document_id": document_id})


def audit_document_read(*, actor: Any, business_id: int, document: models.Model, institution_id: int | None,
                        policy_version: str, data_class: int, purpose: int, recipient: int, channel: str) -> AuditEvent:
    return _record(kind=Kind.DOCUMENT_READ, actor=actor, business_id=business_id, institution_id=institution_id,
                   obj=document, policy_version=policy_version,
                   data={"data_class": data_class, "purpose": purpose, "recipient": recipient, "channel": channel})


def audit_api_token_issued(*, actor: Any, token: models.Model, prefix: str, expires_at: dt.datetime) -> AuditEvent:
    return _record(kind=Kind.API_TOKEN_ISSUED, actor=actor, obj=token,
                   data={"token": prefix, "expires_at": expires_at.isoformat()})


def audit_api_token_revoked(*, actor: Any, token: models.Model, prefix: str) -> AuditEvent:
    return _record(kind=Kind.API_TOKEN_REVOKED, actor=actor, obj=token, data={"token": prefix})


def audit_application_returned(*, actor: Any, application: models.Model, business_id: int, fields: list[str],
                               submission: int) -> AuditEvent:
    """The agency returned the application for correction (a review result), with the fields concerned."""
    return _record(kind=Kind.APPLICATION_RETURNED, actor=actor, business_id=business_id, obj=application,
                   data={"result": "returned", "fields": sorted(fields), "submission": submission})


# --- supportplans (様式4) and review scores -----------------------------------------------------

def audit_support_plan_status(*, actor: Any, support_plan: models.Model, business_id: int, institution_id: int,
                              application_id: int, from_status: str, to_status: str,
                              disclosure_request_id: int | None = None) -> AuditEvent:
    """A 様式4 request was made (from_status "") or moved along its map (taken up, commented,
    issued, declined, withdrawn)."""
    return _record(kind=Kind.SUPPORT_PLAN_STATUS, actor=actor, business_id=business_id, institution_id=institution_id,
                   obj=support_plan, data={"application_id": application_id, "from": from_status, "to": to_status,
                                           "disclosure_request_id": disclosure_request_id})


def audit_support_plan_commented(*, actor: Any, comment: models.Model, business_id: int, institution_id: int,
                                 support_plan_id: int, side: str, reply_to: int | None) -> AuditEvent:
    """A comment on a 様式4 request's draft (its text is not copied here)."""
    return _record(kind=Kind.SUPPORT_PLAN_COMMENTED, actor=actor, business_id=business_id, institution_id=institution_id,
                   obj=comment, data={"support_plan_id": support_plan_id, "side": side, "reply_to": reply_to})


def audit_application_scored(*, actor: Any, application: models.Model, business_id: int, total: int,
                             criteria: dict[str, int]) -> AuditEvent:
    """A reviewer's scores of an application by the call's criteria (class 9, never shown to the applicant)."""
    return _record(kind=Kind.APPLICATION_SCORED, actor=actor, business_id=business_id, obj=application,
                   data={"total": total, "criteria": criteria})
# --- awards (after adoption) ---------------------------------------------------------------

def audit_award_step(*, actor: Any, award: models.Model, business_id: int, step: str, from_status: str,
                     to_status: str, amount: int | None = None) -> AuditEvent:
    """A step of the post-adoption lifecycle (交付申請, 交付決定, 計画変更, 実績報告, 確定, 請求,
    支払, 収益納付): the statuses and, where the step fixes one, the amount."""
    data: dict[str, Any] = {"step": step, "from": from_status, "to": to_status}
    if amount is not None:
        data["amount"] = amount
    return _record(kind=Kind.AWARD_STEP, actor=actor, business_id=business_id, obj=award, data=data)


def audit_award_ledger_changed(*, actor: Any, award: models.Model, business_id: int, line_id: int,
                               action: Literal["added", "removed", "assessed"], amount: int,
                               receipt_id: int | None = None) -> AuditEvent:
    """A line of the expense ledger (経費明細) added or removed by the applicant, or assessed
    at 確定検査 (`amount` is then the accepted amount)."""
    return _record(kind=Kind.AWARD_LEDGER, actor=actor, business_id=business_id, obj=award,
                   data={"line": line_id, "action": action, "amount": amount, "receipt": receipt_id})
