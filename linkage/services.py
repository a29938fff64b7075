"""Writes of the linkage app: partner credentials, intake of batches (API and CSV), the
match index, and decisions on the review queue.

Every intake runs in one transaction: a batch is stored whole or not at all, with its
audit row (RECORD_IMPORTED). The rows written into companies.FinancialYear and
institutions.SupportRecord carry source=PARTNER and the batch's source_detail; a
partner's own record id is remembered in PartnerRecord, so that sending it again
updates the same row. A business's own figures (source BUSINESS or APPLICATION) are
never overwritten by a partner: such records are "kept".
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Business, FinancialYear, Source
from core.audit import audit_records_imported
from core.bulk import analyze
from core.errors import ApplicationError
from core.locks import advisory_xact_locks
from core.transitions import transition, transition_many
from institutions.models import Institution, SupportRecord

from .csvfile import read_csv
from .matching import match_key, match_many
from .models import (
    IntakeBatch,
    IntakeItem,
    MatchIndex,
    MatchMethod,
    Outcome,
    PartnerClient,
    PartnerRecord,
    RecordKind,
    ReviewItem,
)
from .records import AMOUNT_FIELDS, clean_record, from_payload, to_payload

MAX_BATCH_RECORDS = 1000
ANALYZE_AFTER_ROWS = 1000
FINANCIAL_VALUE_FIELDS = [*AMOUNT_FIELDS, "employees"]
SUPPORT_VALUE_FIELDS = ["supported_on", "theme", "summary"]


class IdempotencyConflict(Exception):
    """The Idempotency-Key was used before with a different request body."""


class ScopeDenied(PermissionDenied):
    """The partner's key does not cover a kind of record in the batch (HTTP 403)."""


# --- partner credentials -----------------------------------------------------------------


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def partner_client_issue(*, institution_id: int, scopes: Sequence[str], name: str = "") -> tuple[PartnerClient, str]:
    """A new partner credential; the key is returned once and only its hash is kept."""
    unknown = sorted(set(scopes) - set(RecordKind.values))
    if not scopes or unknown:
        raise ApplicationError(errors={"scopes": [_("Choose scopes among: %(choices)s.") % {
            "choices": ", ".join(RecordKind.values)}]})
    institution = Institution.objects.filter(pk=institution_id).first()
    if institution is None:
        raise ApplicationError(errors={"institution": [_("No such institution.")]})
    prefix = secrets.token_hex(6)
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    client = PartnerClient.objects.create(
        institution=institution, name=name or institution.name, key_prefix=prefix, key_hash=_hash_key(key),
        scopes=sorted(set(scopes)),
    )
    return client, key


def partner_client_for_key(key: str) -> PartnerClient | None:
    """The active client a key belongs to (constant-time comparison of the hash)."""
    prefix, _dot, _rest = key.partition(".")
    client = PartnerClient.objects.select_related("institution").filter(key_prefix=prefix, is_active=True).first()
    if client is None or not secrets.compare_digest(client.key_hash, _hash_key(key)):
        return None
    return client


# --- match index -------------------------------------------------------------------------


def _index_row(business: Business) -> MatchIndex:
    key = match_key(name=business.name, prefecture=business.prefecture, municipality=business.municipality,
                    address=business.address)
    return MatchIndex(
        business_id=business.pk, prefecture=business.prefecture, name_norm=key.name[:200], legal_form=key.legal_form,
        municipality_norm=key.municipality[:100], town_norm=key.town[:200], block=key.block[:50],
        source_updated_at=business.updated_at,
    )


def match_index_refresh(*, stale_only: bool = True, chunk: int = 5000) -> int:
    """Bring MatchIndex up to date with Business; returns how many rows were written.

    stale_only: only businesses new or changed since they were indexed (cheap; run
    before every intake). A full refresh also catches changes made by queryset
    updates, which do not touch updated_at; the nightly job runs it.
    """
    businesses = Business.objects.only("pk", "name", "prefecture", "municipality", "address", "updated_at")
    if stale_only:
        fresh = MatchIndex.objects.filter(business_id=OuterRef("pk"), source_updated_at__gte=OuterRef("updated_at"))
        businesses = businesses.filter(~Exists(fresh))
    written = 0
    batch: list[MatchIndex] = []
    fields = ["prefecture", "name_norm", "legal_form", "municipality_norm", "town_norm", "block", "source_updated_at"]
    for business in businesses.order_by("pk").iterator(chunk_size=chunk):
        batch.append(_index_row(business))
        if len(batch) >= chunk:
            MatchIndex.objects.bulk_create(batch, update_conflicts=True, unique_fields=["business"], update_fields=fields)
            written += len(batch)
            batch = []
    if batch:
        MatchIndex.objects.bulk_create(batch, update_conflicts=True, unique_fields=["business"], update_fields=fields)
        written += len(batch)
    if written >= ANALYZE_AFTER_ROWS:  # fresh statistics, or the planner skips the trigram index
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE linkage_matchindex")
    return written


# --- planning: what each record would do -------------------------------------------------


@dataclass
class RecordPlan:
    position: int
    record: dict[str, Any]
    outcome: str = Outcome.UNMATCHED
    method: str = MatchMethod.NONE
    business_id: int | None = None
    score: float | None = None
    candidates: list[tuple[int, float]] = field(default_factory=list)
    target: FinancialYear | SupportRecord | None = None
    changes: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.record["kind"]

    @property
    def record_id(self) -> str:
        return self.record["record_id"]


def _values(record: dict[str, Any]) -> dict[str, Any]:
    if record["kind"] == RecordKind.FINANCIALS:
        return {f: record[f] for f in FINANCIAL_VALUE_FIELDS if record.get(f) is not None}
    return {f: record[f] for f in SUPPORT_VALUE_FIELDS}


def records_plan(*, institution_id: int, records: Sequence[tuple[int, dict[str, Any]]]) -> list[RecordPlan]:
    """Decide, without writing, what each cleaned record would do. A handful of queries
    per call, whatever the number of records."""
    plans = [RecordPlan(position, record) for position, record in records]
    # Concurrent batches naming one record id (or one business and year) queue here and
    # each plans against what the other wrote, instead of both creating the same row.
    advisory_xact_locks(("linkage-record", institution_id, p.kind, p.record_id) for p in plans)
    numbers = {p.record["corporate_number"] for p in plans if p.record["corporate_number"]}
    by_number = dict(Business.objects.filter(corporate_number__in=numbers).values_list("corporate_number", "pk"))
    links = {
        (link.kind, link.record_id): link
        for link in PartnerRecord.objects.filter(institution_id=institution_id,
                                                 record_id__in=[p.record_id for p in plans])
    }
    by_name: list[RecordPlan] = []
    for plan in plans:
        number = plan.record["corporate_number"]
        link = links.get((plan.kind, plan.record_id))
        if number:
            plan.business_id = by_number.get(number)
            plan.method = MatchMethod.CORPORATE_NUMBER if plan.business_id else MatchMethod.NONE
        elif link is not None:
            plan.business_id, plan.method = link.business_id, MatchMethod.LINK
        else:
            by_name.append(plan)
    if by_name:
        match_index_refresh()  # new or changed businesses become findable at once
        keys = [match_key(name=p.record["name"], prefecture=p.record["prefecture"],
                          municipality=p.record["municipality"], address=p.record["address"]) for p in by_name]
        for plan, decision in zip(by_name, match_many(keys), strict=True):
            plan.score, plan.candidates = decision.score, decision.candidates
            if decision.status == "link":
                plan.business_id, plan.method = decision.business_id, MatchMethod.NAME_ADDRESS
            elif decision.status == "review":
                plan.outcome = Outcome.REVIEW

    matched = [p for p in plans if p.business_id is not None]
    advisory_xact_locks(("financial-year", p.business_id, p.record["fiscal_year"])
                        for p in matched if p.kind == RecordKind.FINANCIALS)
    financial_targets = {
        (fy.business_id, fy.fiscal_year): fy
        for fy in FinancialYear.objects.filter(
            business_id__in={p.business_id for p in matched if p.kind == RecordKind.FINANCIALS},
            fiscal_year__in={p.record["fiscal_year"] for p in matched if p.kind == RecordKind.FINANCIALS},
        )
    }
    support_targets = {
        sr.partner_record_id: sr
        for sr in SupportRecord.objects.filter(
            institution_id=institution_id,
            partner_record_id__in=[p.record_id for p in matched if p.kind == RecordKind.SUPPORT_RECORDS],
        )
    }
    for plan in matched:
        _plan_write(plan, financial_targets, support_targets)
    return plans


def _plan_write(plan: RecordPlan, financial_targets, support_targets) -> None:
    values = _values(plan.record)
    if plan.kind == RecordKind.FINANCIALS:
        target = financial_targets.get((plan.business_id, plan.record["fiscal_year"]))
        if target is not None and target.source != Source.PARTNER:
            plan.target, plan.outcome = target, Outcome.KEPT
            return
    else:
        target = support_targets.get(plan.record_id)
        values["business_id"] = plan.business_id
    plan.target = target
    if target is None:
        plan.outcome, plan.changes = Outcome.CREATED, values
        return
    plan.changes = {f: v for f, v in values.items() if getattr(target, f) != v}
    plan.outcome = Outcome.UPDATED if plan.changes else Outcome.UNCHANGED


# --- applying ------------------------------------------------------------------------------


def _apply(plan: RecordPlan, *, batch: IntakeBatch) -> None:
    detail = f"{batch.source_detail} record:{plan.record_id}"[:200]
    row = plan.target
    if plan.outcome == Outcome.CREATED:
        if plan.kind == RecordKind.FINANCIALS:
            assert plan.business_id is not None  # a financial year is created only for a business found
            row = FinancialYear.objects.create(business_id=plan.business_id, fiscal_year=plan.record["fiscal_year"],
                                               source=Source.PARTNER, source_detail=detail, **plan.changes)
        else:
            sent = plan.record.get("name") or (f"法人番号 {plan.record['corporate_number']}" if plan.record.get("corporate_number") else "")
            row = SupportRecord.objects.create(institution_id=batch.institution_id, partner_record_id=plan.record_id,
                                               source=SupportRecord.Source.PARTNER, source_detail=detail,
                                               recorded_name=sent[:200], **plan.changes)
    elif plan.outcome == Outcome.UPDATED:
        assert row is not None, "an update has the row it updates"
        for name, value in plan.changes.items():
            setattr(row, name, value)
        row.source_detail = detail
        row.save(update_fields=[*plan.changes, "source_detail", "updated_at"])
    if plan.outcome in (Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED):
        # A later record that found its business (e.g. now with a 法人番号) settles any doubt.
        transition_many(ReviewItem.objects.filter(institution_id=batch.institution_id, kind=plan.kind,
                                                  record_id=plan.record_id),
                        to=ReviewItem.Status.SUPERSEDED, reason="a later record found its business",
                        values={"decided_at": timezone.now()})
        assert plan.business_id is not None  # these outcomes are those of a record that found its business
        PartnerRecord.objects.update_or_create(
            institution_id=batch.institution_id, kind=plan.kind, record_id=plan.record_id,
            defaults={
                "business_id": plan.business_id, "last_batch": batch,
                "financial_year": row if isinstance(row, FinancialYear) else None,
                "support_record": row if isinstance(row, SupportRecord) else None,
            },
        )
    elif plan.outcome == Outcome.REVIEW:
        ReviewItem.objects.update_or_create(
            institution_id=batch.institution_id, kind=plan.kind, record_id=plan.record_id,
            status=ReviewItem.Status.PENDING,
            defaults={
                "batch": batch, "name": plan.record["name"][:200], "prefecture": plan.record["prefecture"],
                "municipality": plan.record["municipality"][:100], "address": plan.record["address"][:300],
                "payload": to_payload(plan.record), "score": plan.score or 0.0,
                "candidates": [{"business_id": b, "score": s} for b, s in plan.candidates],
            },
        )


def _store(batch: IntakeBatch, plans: list[RecordPlan]) -> dict[str, int]:
    for plan in plans:
        _apply(plan, batch=batch)
    IntakeItem.objects.bulk_create([
        IntakeItem(batch=batch, position=p.position, kind=p.kind, record_id=p.record_id, outcome=p.outcome,
                   method=p.method, business_id=p.business_id if p.outcome != Outcome.REVIEW else None, score=p.score)
        for p in plans
    ])
    counts = {outcome: 0 for outcome in Outcome.values}
    for plan in plans:
        counts[plan.outcome] += 1
    batch.record_count, batch.counts = len(plans), counts
    batch.save(update_fields=["record_count", "counts", "updated_at"])
    audit_records_imported(actor=batch.uploaded_by, institution_id=batch.institution_id, obj=batch,
                           channel=batch.channel, records=len(plans), counts=counts)
    if len(plans) >= ANALYZE_AFTER_ROWS:
        # A bulk import (CSV or partner batch): fresh statistics for the tables it filled, so
        # that the consent filters and lists over them keep their plans (issue 16).
        analyze(FinancialYear, SupportRecord, PartnerRecord, IntakeItem, ReviewItem)
    return counts


# --- the API intake ----------------------------------------------------------------------


def request_fingerprint(records: Any) -> str:
    return hashlib.sha256(json.dumps(records, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _lock_idempotency_key(client_id: int, key: str) -> None:
    digest = hashlib.sha256(f"linkage:{client_id}:{key}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)])


@transaction.atomic
def partner_batch_submit(*, client: PartnerClient, records: Any, idempotency_key: str = "") -> tuple[int, dict]:
    """Store a partner's batch whole, or nothing. Returns (HTTP status, response body).

    With an Idempotency-Key, the first successful answer is stored and a retry with
    the same key and body gets it again without any write (200 instead of 201); the
    same key with another body is an IdempotencyConflict. A refused batch stores
    nothing, its key included, so the partner may correct it and send it again.
    """
    fingerprint = request_fingerprint(records)
    if idempotency_key:
        _lock_idempotency_key(client.pk, idempotency_key)
        previous = IntakeBatch.objects.filter(client=client, idempotency_key=idempotency_key).first()
        if previous is not None:
            if previous.request_hash != fingerprint:
                raise IdempotencyConflict
            return 200, previous.response_body or {}
    if not isinstance(records, list) or not records:
        raise ApplicationError(errors={"records": [_("Send a non-empty list of records.")]})
    if len(records) > MAX_BATCH_RECORDS:
        raise ApplicationError(errors={"records": [_("Send at most %(limit)d records per batch.") % {
            "limit": MAX_BATCH_RECORDS}]})
    kinds = {r.get("kind") for r in records if isinstance(r, dict) and isinstance(r.get("kind"), str)}
    outside = sorted(k for k in kinds if k in RecordKind.values and k not in client.scopes)
    if outside:
        raise ScopeDenied(_("This partner key may not send records of kind %(kinds)s.") % {"kinds": ", ".join(outside)})

    cleaned: list[tuple[int, dict[str, Any]]] = []
    errors: dict[str, dict[str, list[str]]] = {}
    seen: dict[tuple[str, str], int] = {}
    for index, raw in enumerate(records):
        if not isinstance(raw, dict):
            errors[str(index)] = {"non_field_errors": [_("Each record is a JSON object.")]}
            continue
        record, record_errors = clean_record(str(raw.get("kind") or ""), raw)
        if record is not None:
            key = (record["kind"], record["record_id"])
            if key in seen:
                record_errors = {"record_id": [_("This record id also appears at index %(index)d.") % {"index": seen[key]}]}
            seen[key] = index
        if record_errors:
            errors[str(index)] = record_errors
        elif record is not None:
            cleaned.append((index, record))
    if errors:
        raise ApplicationError(errors={"records": errors})  # type: ignore[dict-item]

    plans = records_plan(institution_id=client.institution_id, records=cleaned)
    batch = IntakeBatch.objects.create(channel=IntakeBatch.Channel.API, institution_id=client.institution_id,
                                       client=client, idempotency_key=idempotency_key, request_hash=fingerprint)
    _store(batch, plans)
    body = {
        "batch": batch.pk,
        "received_at": batch.created_at.isoformat(),
        "accepted": len(plans),
        "records": [{"index": p.position, "kind": p.kind, "record_id": p.record_id, "status": "accepted"} for p in plans],
    }
    batch.response_body = body
    batch.save(update_fields=["response_body"])
    PartnerClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return 201, body


# --- the CSV import ----------------------------------------------------------------------


@dataclass
class RowReport:
    line: int
    record_id: str
    outcome: str = ""  # an Outcome value, or "" for a bad row
    errors: dict[str, list[str]] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    kind: str = ""
    encoding: str = ""
    filename: str = ""
    file_errors: list[str] = field(default_factory=list)
    rows: list[RowReport] = field(default_factory=list)
    dry_run: bool = False
    applied: bool = False
    batch_id: int | None = None
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def bad_rows(self) -> list[RowReport]:
        return [r for r in self.rows if r.errors]

    @property
    def good_rows(self) -> list[RowReport]:
        return [r for r in self.rows if not r.errors]

    @property
    def counts(self) -> dict[str, int]:
        counts = {outcome: 0 for outcome in Outcome.values}
        for row in self.good_rows:
            counts[row.outcome] += 1
        return counts


@transaction.atomic
def records_import(
    *, data: bytes, institution_id: int, actor=None, filename: str = "", kind: str | None = None,
    dry_run: bool = False, import_good_rows: bool = False,
) -> ImportReport:
    """Import a CSV file of one kind of records for one institution.

    Bad rows are all reported with their line; a file with any bad row imports nothing
    unless import_good_rows is set. A dry run reports what each row would do and writes
    nothing but the match index (derived data, refreshed before name matching).
    """
    if not Institution.objects.filter(pk=institution_id).exists():
        raise ApplicationError(errors={"institution": [_("No such institution.")]})
    parsed = read_csv(data, kind=kind or None)
    report = ImportReport(kind=parsed.kind, encoding=parsed.encoding, filename=filename,
                          file_errors=parsed.file_errors, dry_run=dry_run, ignored_columns=parsed.ignored_columns)
    if parsed.file_errors:
        return report
    by_line: dict[int, RowReport] = {
        line: RowReport(line, "", errors=errs) for line, errs in parsed.row_errors.items()
    }
    cleaned: list[tuple[int, dict[str, Any]]] = []
    for line, raw in parsed.rows:
        record, errors = clean_record(parsed.kind, raw)
        by_line[line] = RowReport(line, str(raw.get("record_id") or "").strip(), errors=errors)
        if record is not None:
            cleaned.append((line, record))
    report.rows = [by_line[line] for line in sorted(by_line)]
    plans = records_plan(institution_id=institution_id, records=cleaned)
    for plan in plans:
        row = by_line[plan.position]
        row.outcome = plan.outcome
        row.changes = sorted(k for k in plan.changes if k != "business_id") if plan.outcome == Outcome.UPDATED else []
    if dry_run or (report.bad_rows and not import_good_rows) or not plans:
        return report
    batch = IntakeBatch.objects.create(channel=IntakeBatch.Channel.CSV, institution_id=institution_id,
                                       uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
                                       filename=filename[:255])
    _store(batch, plans)
    report.applied, report.batch_id = True, batch.pk
    return report


# --- the review queue --------------------------------------------------------------------


@transaction.atomic
def review_item_decide(*, actor, item_id: int, decision: str, business_id: int | None = None) -> ReviewItem:
    """Confirm (link the record to one of its candidates and store it) or reject."""
    item = ReviewItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise ApplicationError(errors={"item": [_("No such review item.")]})
    if item.status != ReviewItem.Status.PENDING:
        raise ApplicationError(errors={"item": [_("This item has already been decided.")]})
    if decision == "reject":
        to = ReviewItem.Status.REJECTED
    elif decision == "confirm":
        allowed = {c["business_id"] for c in item.candidates}
        if business_id not in allowed:
            raise ApplicationError(errors={"business": [_("Choose one of the candidate businesses.")]})
        plan = RecordPlan(0, from_payload(item.payload), business_id=business_id, method=MatchMethod.REVIEW,
                          score=item.score)
        _plan_write(plan, *_targets_for(plan, item.institution_id))
        batch = item.batch
        _apply(plan, batch=batch)
        audit_records_imported(actor=actor, business_id=business_id, institution_id=item.institution_id, obj=item,
                               channel="review", batch_id=batch.pk, outcome=plan.outcome)
        to, item.business_id = ReviewItem.Status.CONFIRMED, business_id
    else:
        raise ApplicationError(errors={"decision": [_("Choose confirm or reject.")]})
    item.decided_by, item.decided_at = actor, timezone.now()
    transition(item, to=to, by=actor, fields=["business", "decided_by", "decided_at"])
    return item


def _targets_for(plan: RecordPlan, institution_id: int) -> tuple[dict, dict]:
    if plan.kind == RecordKind.FINANCIALS:
        if plan.business_id is None:
            return {}, {}
        year = FinancialYear.objects.filter(business_id=plan.business_id, fiscal_year=plan.record["fiscal_year"]).first()
        return ({(plan.business_id, plan.record["fiscal_year"]): year} if year else {}), {}
    record = SupportRecord.objects.filter(institution_id=institution_id, partner_record_id=plan.record_id).first()
    return {}, ({plan.record_id: record} if record else {})
