"""Writes to the business record. Every change of a field leaves a RecordChange row
(before/after, who, from where) in the same transaction: the record's history and the
provenance each page shows beside the value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from core.errors import ApplicationError

from .models import Business, RecordChange, RecordItem, Source
from .record import PARTS


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(instance: models.Model) -> RecordItem:
    """A row of a record part other than identity: every such model is a RecordItem."""
    assert isinstance(instance, RecordItem), type(instance)
    return instance


def _apply(*, actor, business: Business, instance: Business | RecordItem, values: dict[str, Any], allowed: tuple[str, ...],
           data_class: int, source: str, source_detail: str, created: bool) -> list[RecordChange]:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ApplicationError(errors={f: ["unknown field"] for f in sorted(unknown)})
    changed: list[str] = []
    changes: list[RecordChange] = []
    for field, value in values.items():
        before = getattr(instance, field)
        if before == value:
            continue
        setattr(instance, field, value)
        changed.append(field)
        changes.append(RecordChange(
            business=business, model=instance._meta.label_lower, object_id=0, field=field, data_class=data_class,
            before=None if created else _jsonable(before), after=_jsonable(value), source=source,
            source_detail=source_detail, changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        ))
    if not changed and not created:
        return []
    now = timezone.now()
    instance.source = source
    instance.recorded_at = now
    if hasattr(instance, "source_detail"):
        instance.source_detail = source_detail
    try:
        instance.full_clean(exclude=["business"] if hasattr(instance, "business_id") else None)
    except Exception as exc:  # ValidationError: the form's validation normally catches this first
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise ApplicationError(errors=exc.message_dict) from exc
        raise
    if created:
        instance.save()
    else:
        extra = ["source", "recorded_at", "updated_at"] + (["source_detail"] if hasattr(instance, "source_detail") else [])
        instance.save(update_fields=changed + extra)
    for change in changes:
        change.object_id = instance.pk
    RecordChange.objects.bulk_create(changes)
    return changes


@transaction.atomic
def record_part_update(*, actor, business: Business, part: str, values: dict[str, Any], object_id: int | None = None,
                       source: str = Source.BUSINESS, source_detail: str = "") -> models.Model:
    """Create or update one row of a part of the record (the Business row for "identity",
    the one-to-one row for profile/succession/contact/plan, one row of a "many" part)."""
    spec = PARTS[part]
    business = Business.objects.select_for_update().get(pk=business.pk)
    created = False
    if spec.model is Business:
        instance: Business | RecordItem = business
    elif spec.many:
        if object_id is None:
            instance, created = _row(spec.model(business=business)), True
        else:
            found = spec.model._default_manager.select_for_update().filter(business=business, pk=object_id).first()
            if found is None:
                raise ApplicationError(errors={"non_field_errors": ["not found"]})
            instance = _row(found)
    else:
        found = spec.model._default_manager.select_for_update().filter(business=business).first()
        if found is not None:
            instance = _row(found)
        else:
            instance, created = _row(spec.model(business=business)), True
    _apply(actor=actor, business=business, instance=instance, values=values, allowed=spec.fields,
           data_class=spec.data_class, source=source, source_detail=source_detail, created=created)
    return instance


@transaction.atomic
def financial_year_upsert(*, actor, business: Business, fiscal_year: int, values: dict[str, Any],
                          source: str = Source.BUSINESS, source_detail: str = "") -> models.Model:
    from .models import FinancialYear

    existing = FinancialYear.objects.filter(business=business, fiscal_year=fiscal_year).values_list("pk", flat=True).first()
    values = {k: v for k, v in values.items() if k != "fiscal_year"}
    if existing is None:
        values["fiscal_year"] = fiscal_year
    return record_part_update(actor=actor, business=business, part="financials", values=values, object_id=existing,
                              source=source, source_detail=source_detail)


@transaction.atomic
def record_row_delete(*, actor, business: Business, part: str, object_id: int) -> None:
    spec = PARTS[part]
    if not spec.many or part == "financials":
        raise ApplicationError(errors={"non_field_errors": ["not deletable"]})
    instance = spec.model._default_manager.select_for_update().filter(business=business, pk=object_id).first()
    if instance is None:
        raise ApplicationError(errors={"non_field_errors": ["not found"]})
    RecordChange.objects.bulk_create([
        RecordChange(business=business, model=instance._meta.label_lower, object_id=instance.pk, field=f,
                     data_class=spec.data_class, before=_jsonable(getattr(instance, f)), after=None,
                     changed_by=actor if getattr(actor, "is_authenticated", False) else None)
        for f in spec.fields
    ])
    instance.delete()
