"""Reads of the business record, always for a viewer and through consent.access.

The business's own users read its record for purpose 3 (申請者本人による過去の申請情報等の
一括した保存・閲覧) as recipient 7 (申請者本人). Who within the business may read or edit
is the membership's: the Prime holder always, a Member as the Prime holder allowed.
Anyone else gets the same 404 as for a business that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from consent.access import APPLICANT, PURPOSE_APPLICANT_RECORDS, ConsentContext

from .models import Business, RecordChange, Source
from .presentation import display_value, financial_table
from .record import ONE_TO_ONE_RELATED, PARTS, field_label


def membership_for(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.membership_or_none


def may_view_record(user) -> bool:
    m = membership_for(user)
    if m is None:
        return False
    return m.account_type == "prime" or (m.account_type == "member" and m.can_view_records)


def may_edit_record(user) -> bool:
    m = membership_for(user)
    if m is None:
        return False
    return m.account_type == "prime" or (m.account_type == "member" and m.can_edit_record)


def business_for_record_or_404(user, *, edit: bool = False) -> Business:
    """The viewer's own business, if the viewer may read (or edit) its record; else 404."""
    if not (may_edit_record(user) if edit else may_view_record(user)):
        raise Http404
    return Business.objects.get(pk=user.membership_or_none.business_id)


def record_row_for_edit(*, business: Business, part: str, pk: int | None):
    """The row a record page edits: the Business itself, the one-to-one row (None if not
    yet recorded) or one row of a "many" part (None to add one); 404 for another's row."""
    spec = PARTS[part]
    if spec.model is Business:
        if pk is not None:
            raise Http404
        return business
    if spec.many:
        if pk is None:
            return None
        instance = spec.model._default_manager.filter(business=business, pk=pk).first()
        if instance is None:
            raise Http404
        return instance
    if pk is not None:
        raise Http404
    return spec.model._default_manager.filter(business=business).first()


def record_classes_visible(*, viewer, business_id: int) -> set[int]:
    context = ConsentContext([business_id])
    return set(context.allowed_classes(business_id, purpose=PURPOSE_APPLICANT_RECORDS, recipient=APPLICANT, viewer=viewer))


def provenance_map(business_id: int) -> dict[tuple[str, int, str], tuple[str, Any]]:
    """(model, object_id, field) → (source, changed_at) of the latest change, one query."""
    rows = (
        RecordChange.objects.filter(business_id=business_id)
        .order_by("model", "object_id", "field", "-changed_at", "-id")
        .distinct("model", "object_id", "field")
        .values_list("model", "object_id", "field", "source", "changed_at")
    )
    return {(m, o, f): (s, at) for m, o, f, s, at in rows}


@dataclass
class RecordRow:
    field: str
    label: str
    value: Any
    display: Any
    source: str
    recorded_at: Any


@dataclass
class RecordPart:
    key: str
    label: str
    data_class: int
    visible: bool
    rows: list[list[RecordRow]] = field(default_factory=list)  # one list per object
    objects: list[Any] = field(default_factory=list)
    table: dict | None = None  # financials: fiscal years × items


def _rows_for(instance, fields, provenance) -> list[RecordRow]:
    rows = []
    label = instance._meta.label_lower
    row_source = getattr(instance, "source", Source.BUSINESS) or Source.BUSINESS
    row_date = getattr(instance, "recorded_at", None) or getattr(instance, "created_at", None)
    for f in fields:
        source, at = provenance.get((label, instance.pk, f), (row_source, row_date))
        value = getattr(instance, f)
        rows.append(RecordRow(
            field=f, label=field_label(type(instance), f), value=value,
            display=display_value(type(instance), f, value),
            source=str(Source(source).label) if source in Source.values else source, recorded_at=at,
        ))
    return rows


def record_overview(*, viewer, business: Business) -> list[RecordPart]:
    """Every part of the record with each field's source and date; classes the business's
    consent withholds from its own pages (none by the policy, but narrowings apply) are hidden."""
    visible = record_classes_visible(viewer=viewer, business_id=business.pk)
    provenance = provenance_map(business.pk)
    business = (
        Business.objects.select_related(*ONE_TO_ONE_RELATED.values())
        .prefetch_related("joint_applicants", "financials", "challenges")
        .get(pk=business.pk)
    )
    parts = []
    for key, spec in PARTS.items():
        part = RecordPart(key=key, label=str(spec.label), data_class=spec.data_class, visible=spec.data_class in visible)
        if part.visible:
            if spec.model is Business:
                objects = [business]
            elif spec.many:
                related = {"joint": "joint_applicants", "financials": "financials", "challenges": "challenges"}[key]
                objects = list(getattr(business, related).all())
            else:
                objects = [o for o in [getattr(business, ONE_TO_ONE_RELATED[key], None)] if o is not None]
            part.objects = objects
            part.rows = [_rows_for(o, spec.fields, provenance) for o in objects]
            if key == "financials":
                values = [{f: getattr(o, f) for f in (*spec.fields, "value_added")} for o in objects]
                labels = {f: field_label(spec.model, f) for f in spec.fields} | {"value_added": str(_("Value added"))}
                part.table = financial_table(spec.model, [*spec.fields, "value_added"], values, labels)
        parts.append(part)
    return parts


def record_history(*, viewer, business: Business) -> QuerySet:
    visible = record_classes_visible(viewer=viewer, business_id=business.pk)
    return RecordChange.objects.filter(business=business, data_class__in=visible).select_related("changed_by")


# --- わたしのデータ: everything the portal holds on the business, by class ------------------
