"""The one projection: what of a record or document a viewer receives for a purpose.

Why one function: a value's data class belongs to the value, not to the row or document
that holds it. An application's `content` holds the company's name (class 1), its contact
person (5), its latest financials (6), the plan (8) and the successor's name (4); releasing
it "as class 8" released them all. So every release of business data to anyone walks the
record field by field and every JSON document item by item (consent.registry gives each
item its class and origin) and keeps exactly the items the decision allows for this
viewer and purpose, recursively, saying why each dropped item was dropped.

Rules, per item (deny unless allowed):
- the viewer is placed as a recipient (consent.access.viewer_recipient): a person by the
  account, a job by its SystemRecipient; a viewer that cannot be placed receives nothing;
- the decision of consent.access (table, per-viewer conditions, narrowings, grants) for
  the item's class, with the document's origin: procedure data without the checklist
  opt-in serves purpose 3 (the applicant's own records) only;
- the ※ item lists: researchers (recipient 4) receive only the ※5 items, other SMEs and
  the public (recipients 6 and 8) only the ※4/※6 items, and none of the items inside
  documents;
- `only_classes` narrows further (an approval covers some classes only);
- items of class None are the portal's own metadata (ids, counters) and go with their
  document; items whose class is stored in the row (RecordChange.before/after) take it
  from there; system logs are never released as business data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeAlias, cast

from django.db import models
from django.db.models import Q, QuerySet, Value
from django.utils.translation import gettext as _

from . import registry
from .access import (
    PUBLIC,
    RESEARCHERS,
    SMES,
    ConsentContext,
    Origin,
    SystemRecipient,
    Viewer,
    viewer_recipient,
)

__all__ = [
    "Column", "Dropped", "Projection", "ReleasedRows", "SystemRecipient", "class_released", "origin_of", "project",
    "project_many", "release_rows", "rows_not_narrowed", "rows_released",
]


@dataclass(frozen=True)
class Dropped:
    path: str
    data_class: int | None
    reason: str


@dataclass
class Projection:
    data: dict[str, Any]
    dropped: list[Dropped] = field(default_factory=list)
    released_classes: set[int] = field(default_factory=set)
    policy_version: str = ""
    recipient: int | None = None

    def __bool__(self) -> bool:
        return bool(self.released_classes)

    def dropped_reasons(self) -> dict[str, str]:
        return {d.path: d.reason for d in self.dropped}


def origin_of(obj: models.Model) -> Origin:
    """Where a row's data came from, as far as the rules care: an application of a
    procedure carries the applicant's checklist opt-in."""
    if getattr(obj, "is_procedure", False):
        return Origin(procedure=True, procedure_opted_in=bool(getattr(obj, "data_use_consent", False)))
    return Origin()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _business_id_of(obj: models.Model) -> int | None:
    from companies.models import Business

    if isinstance(obj, Business):
        return obj.pk
    return getattr(obj, "business_id", None)


class _Walker:
    """One projection call: decisions cached per (class, origin)."""

    def __init__(self, *, business_id: int, viewer: Viewer, purpose: int, context: ConsentContext,
                 only_classes: Iterable[int] | None, label: str) -> None:
        self.business_id = business_id
        self.viewer = viewer
        self.purpose = purpose
        self.context = context
        self.only = set(only_classes) if only_classes is not None else None
        self.label = label
        self.recipient = viewer_recipient(viewer, business_id)
        self.dropped: list[Dropped] = []
        self.released: set[int] = set()
        self._cache: dict[tuple[int, Origin | None], tuple[bool, str]] = {}

    def allowed(self, data_class: int | None, origin: Origin | None, path: str, *, item_origin: str = registry.RECORD) -> bool:
        if data_class is None:
            return True
        if self.recipient is None:
            return self._drop(path, data_class, _("This viewer does not receive business data."))
        if self.only is not None and data_class not in self.only:
            return self._drop(path, data_class, _("Not among the classes approved for this use."))
        if item_origin == registry.PROCEDURE and origin is None:
            origin = Origin(procedure=True, procedure_opted_in=False)
        key = (data_class, origin)
        outcome = self._cache.get(key)
        if outcome is None:
            decision = self.context.decide(self.business_id, purpose=self.purpose, data_class=data_class,
                                           recipient=self.recipient, viewer=self.viewer, origin=origin)
            outcome = self._cache[key] = (decision.allowed, decision.reason)
        if not outcome[0]:
            return self._drop(path, data_class, outcome[1])
        self.released.add(data_class)
        return True

    def _drop(self, path: str, data_class: int | None, reason: str) -> bool:
        self.dropped.append(Dropped(path, data_class, reason))
        return False

    def limited_items(self) -> frozenset[str] | None:
        """The ※ item list that bounds this recipient, or None (no item limit)."""
        if self.recipient == RESEARCHERS:
            return registry.RESEARCH_ITEMS.get(self.label, frozenset())
        if self.recipient in (SMES, PUBLIC):
            return registry.PUBLISHED_ITEMS.get(self.label, frozenset())
        return None

    def node(self, node: registry.Node, value: Any, path: str, origin: Origin | None, row_class: int | None = None) -> tuple[bool, Any]:
        """(keep?, projected value)."""
        if value is None:
            return True, None
        if isinstance(node, registry.SystemLog):
            return self._drop(path, None, _("System records are not business data to release.")), None
        if isinstance(node, registry.RowClass):
            return self.allowed(row_class, origin, path), value
        if isinstance(node, registry.Item):
            return self.allowed(node.data_class, origin, path, item_origin=node.origin), value
        if isinstance(node, registry.ListOf):
            if not isinstance(value, list):
                return self._drop(path, None, _("Not in the shape the registry describes.")), None
            out = []
            for i, item in enumerate(value):
                keep, projected = self.node(node.item, item, f"{path}[{i}]", origin, row_class)
                if keep and projected not in ({}, []):
                    out.append(projected)
            return bool(out), out
        if not isinstance(value, dict):
            return self._drop(path, None, _("Not in the shape the registry describes.")), None
        result: dict[str, Any] = {}
        business_kept = False
        for key, item in value.items():
            child = node.value if isinstance(node, registry.MapOf) else node.keys.get(str(key))
            sub = f"{path}.{key}" if path else str(key)
            if child is None:
                self._drop(sub, None, _("This item has no data class in the registry."))
                continue
            keep, projected = self.node(child, item, sub, origin, row_class)
            if not keep:
                continue
            if projected in ({}, []) and _holds_business_data(child):
                continue  # everything inside was dropped (or there was nothing)
            result[key] = projected
            business_kept = business_kept or _holds_business_data(child)
        if not _holds_business_data(node):
            return True, result
        # A document left with its metadata alone (an id, a counter) says nothing: drop it.
        return business_kept, result if business_kept else {}


def _holds_business_data(node: registry.Node) -> bool:
    if isinstance(node, registry.Item):
        return node.data_class is not None
    if isinstance(node, registry.RowClass):
        return True
    if isinstance(node, registry.SystemLog):
        return False
    if isinstance(node, registry.ListOf):
        return _holds_business_data(node.item)
    if isinstance(node, registry.MapOf):
        return _holds_business_data(node.value)
    return any(_holds_business_data(child) for child in node.keys.values())


def project(
    subject: models.Model | dict[str, Any],
    *,
    viewer: Viewer,
    purpose: int,
    context: ConsentContext | None = None,
    business_id: int | None = None,
    schema: str | None = None,
    origin: Origin | None = None,
    fields: Iterable[str] | None = None,
    only_classes: Iterable[int] | None = None,
) -> Projection:
    """Only the items of `subject` that `viewer` may receive for `purpose`.

    `subject` is a model instance holding business data (its DATA_CLASSES fields are
    walked, JSON fields item by item through their registry schema) or a JSON document
    (then `schema` names it, "app.model.field", and `business_id` says whose it is).
    `fields` limits the fields looked at (a model instance); `only_classes` limits the
    classes released (e.g. those a disclosure approval covers). The origin of an
    application is taken from the row (procedure, checklist opt-in). Load a
    ConsentContext once for many calls (its institution_id is the viewer's institution).
    """
    if isinstance(subject, models.Model):
        business_id = _business_id_of(subject) if business_id is None else business_id
        label = subject._meta.label_lower
        origin = origin_of(subject) if origin is None else origin
    else:
        if schema is None or business_id is None:
            raise ValueError("A document needs its schema and its business.")
        label = schema.rsplit(".", 1)[0]
    if business_id is None:
        raise ValueError("Business data belongs to a business: none found for this subject.")
    if context is None:
        institution_id = getattr(viewer, "institution_id", None) if getattr(viewer, "is_institution_staff", False) else None
        context = ConsentContext([business_id], institution_id=institution_id)
    walker = _Walker(business_id=business_id, viewer=viewer, purpose=purpose, context=context,
                     only_classes=only_classes, label=label)
    data: dict[str, Any] = {}
    if isinstance(subject, models.Model):
        declared = registry.classified_models().get(label, {})
        names = list(fields) if fields is not None else list(declared)
        limit = walker.limited_items()
        row_class = getattr(subject, "data_class", None)
        published_when = registry.PUBLISHED_WHEN.get(label)
        if limit is not None and walker.recipient in (SMES, PUBLIC) and published_when is not None:
            column, states = published_when
            if getattr(subject, column, None) not in states:
                names, limit = [], frozenset()
                walker._drop("", None, _("Only what is published at adoption is released."))
        for name in names:
            schema_node = registry.json_schema_of(subject, name)
            if schema_node is None and name not in declared:
                walker._drop(name, None, _("This field has no data class in the registry."))
                continue
            if limit is not None and name not in limit:
                walker._drop(name, declared.get(name), _("Only the items the policy lists for this recipient are released."))
                continue
            model_field = subject._meta.get_field(name)
            assert isinstance(model_field, models.Field), f"{name} is declared in DATA_CLASSES but is not a column"
            if schema_node is not None:
                keep, value = walker.node(schema_node, model_field.value_from_object(subject), name, origin, row_class)
                if keep and value not in ({}, [], None):
                    data[name] = value
                continue
            if not walker.allowed(declared[name], origin, name):
                continue
            if model_field.is_relation:
                related = getattr(subject, name)
                data[name] = str(related) if related is not None else None
            else:
                data[name] = _jsonable(model_field.value_from_object(subject))
    else:
        node = registry.JSON_SCHEMAS.get(schema) if schema is not None else None
        if node is None:
            walker._drop("", None, _("This document has no schema in the registry."))
        elif walker.limited_items() is not None:
            walker._drop("", None, _("Only the items the policy lists for this recipient are released."))
        else:
            keep, value = walker.node(node, subject, "", origin)
            data = value if keep and isinstance(value, dict) else {}
    if not walker.released:
        data = {}  # metadata alone (ids, field names) is released only beside business data
    return Projection(data=data, dropped=walker.dropped, released_classes=walker.released,
                      policy_version=context.table.version, recipient=walker.recipient)


def project_many(objects: Iterable[models.Model], *, viewer: Viewer, purpose: int, context: ConsentContext | None = None,
                 fields: Iterable[str] | None = None, only_classes: Iterable[int] | None = None) -> list[Projection]:
    """project() over rows (of one or several businesses), with one ConsentContext."""
    rows = list(objects)
    if context is None and rows:
        institution_id = getattr(viewer, "institution_id", None) if getattr(viewer, "is_institution_staff", False) else None
        business_ids = {_business_id_of(o) for o in rows}
        context = ConsentContext({b for b in business_ids if b is not None}, institution_id=institution_id)
    return [project(o, viewer=viewer, purpose=purpose, context=context, fields=fields, only_classes=only_classes) for o in rows]


# --- sets of rows: the same decision, in SQL ---------------------------------------------
#
# Channels that release many businesses at once (the research extract, open data, the
# agency's dashboard, the EBPM inputs, recommendations, listings) cannot call project()
# row by row: a million rows must stream. They release through the two functions below,
# which build the SQL from the same decision (consent.access: the table, the per-viewer
# conditions, the narrowings, the grants, the procedure-origin rule) and the same item
# classes and ※ item lists (consent.registry) that project() applies item by item.
# No channel builds consent SQL of its own (lint rule ACC005).


@dataclass(frozen=True)
class Column:
    """A column of a released set: its output name and the ORM lookup that reads it on
    the queryset's rows ("business__name", "pre_fy__sales" through a FilteredRelation).
    Its data class (and ※ item) is the first field along the lookup that the registry
    classifies; `item` ("app.model.field") names it where the lookup cannot."""

    name: str
    lookup: str
    item: str | None = None


RELEASED_PREFIX = "released_"


@dataclass
class ReleasedRows:
    """The rows a viewer receives, as one query: `queryset` yields tuples in the order of
    the columns (a column this viewer may not receive for a row is NULL there);
    `sql_with_params()` is the same query with the columns named, for COPY or an
    INSERT … SELECT that never passes through Python."""

    queryset: QuerySet[Any]
    columns: list[str]
    dropped: list[Dropped]
    recipient: int | None

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.queryset)

    def alias(self, name: str) -> str:
        return RELEASED_PREFIX + name

    def sql_with_params(self) -> tuple[str, tuple[Any, ...]]:
        sql, params = self.queryset.query.sql_with_params()
        select = ", ".join(f'r."{self.alias(n)}" AS "{n}"' for n in self.columns)
        return f"SELECT {select} FROM ({sql}) r", params


def _target_field(queryset: QuerySet[Any], lookup: str) -> models.Field[Any, Any]:
    model = queryset.model
    parts = lookup.split("__")
    relations = getattr(queryset.query, "_filtered_relations", {})
    if parts[0] in relations:
        parts = relations[parts[0]].relation_name.split("__") + parts[1:]
    model_field = None
    for part in parts:
        model_field = model._meta.get_field(part)
        if model_field.is_relation and model_field.related_model is not None:
            model = model_field.related_model
    if model_field is not None and model_field.is_relation and hasattr(model_field, "target_field"):
        return cast("models.Field[Any, Any]", model_field.target_field)
    return cast("models.Field[Any, Any]", model_field)


def _item_of(queryset: QuerySet[Any], column: Column) -> tuple[str, str, int | None, bool]:
    """(model label, field, data class or None, is metadata) of a column."""
    classified = registry.classified_models()
    if column.item is not None:
        label, name = column.item.rsplit(".", 1)
        if name not in classified.get(label, {}):
            raise ValueError(f"{column.item} has no data class in the registry.")
        return label, name, classified[label][name], False
    model = queryset.model
    parts = column.lookup.split("__")
    relations = getattr(queryset.query, "_filtered_relations", {})
    if parts[0] in relations:
        parts = relations[parts[0]].relation_name.split("__") + parts[1:]
    for part in parts:
        label = model._meta.label_lower
        declared = classified.get(label, {})
        if part in declared:
            return label, part, declared[part], False
        model_field = model._meta.get_field(part)
        if model_field.is_relation and model_field.related_model is not None and part != parts[-1]:
            model = model_field.related_model
            continue
        # Not business data: only a row's identity (a key) may go with the released items.
        is_key = getattr(model_field, "primary_key", False) or model_field.is_relation
        if not is_key:
            raise ValueError(f"{column.lookup}: {label}.{part} has no data class in the registry.")
        return label, part, None, True
    raise ValueError(f"{column.lookup}: no field to release.")


# A set-based release serves one viewer, or several at once (a job that several
# recipients compute: every one must be allowed).
Viewers: TypeAlias = "Viewer | list[Viewer] | tuple[Viewer, ...]"


def _viewers(viewer: Viewers) -> tuple[Viewer, ...]:
    return tuple(viewer) if isinstance(viewer, list | tuple) else (viewer,)


def rows_released(queryset: QuerySet[Any], *, viewer: Viewers, purpose: int, classes: Iterable[int],
                  business_field: str = "business_id", on: dt.date | None = None) -> QuerySet[Any]:
    """The rows of `queryset` (businesses, or rows with a business key named by
    `business_field`) whose business releases every class of `classes` to this viewer for
    this purpose; on rows of applications, procedure data without the checklist opt-in
    serves purpose 3 only. `viewer` is a person, a SystemRecipient, or several of them
    (a job that several recipients compute: every one must be allowed). A viewer that
    cannot be placed gets no rows; no class at all releases nothing."""
    from .access import businesses_allowing

    wanted = sorted(set(classes))
    if not wanted:
        return queryset.none()
    if business_field == "pk" or queryset.model._meta.label_lower == "companies.business":
        business_field = "pk" if business_field in ("business_id", "pk") else business_field
    for person in _viewers(viewer):
        for data_class in wanted:
            # businesses_allowing applies the procedure-origin rule on rows of applications.
            queryset = businesses_allowing(queryset, purpose=purpose, data_class=data_class, viewer=person,
                                           business_field=business_field, on=on)
    return queryset


def rows_not_narrowed(queryset: QuerySet[Any], *, purpose: int, data_class: int, recipient: int,
                      business_field: str = "pk") -> QuerySet[Any]:
    """For anonymised listings only (prefecture, industry, size band; no name, no
    number), which release no item of the class: the rows whose business has not
    narrowed (class, recipient) for every purpose or for this one."""
    from .access import businesses_not_denying

    return businesses_not_denying(queryset, purpose=purpose, data_class=data_class, recipient=recipient,
                                  business_field=business_field)


def class_released(data_class: int, *, viewer: Viewer, purpose: int, business_ref: str = "business_id",
                   on: dt.date | None = None) -> Q | Value:
    """An SQL condition on a row: does the row's business (`business_ref`) release this
    class to this viewer for this purpose? A Q for a column's When() (the narrowings as
    NOT IN one hashed subquery: a hash probe per row, never a correlated SubPlan per row
    and column), or a constant False where the table or a per-viewer condition already
    says no. A row without a business releases nothing."""
    from django.db.models import BooleanField

    from .access import business_allows_q

    condition = business_allows_q(purpose=purpose, data_class=data_class, viewer=viewer,
                                  business_field=business_ref, on=on)
    if condition is None:
        return Value(False, output_field=BooleanField())
    return Q(**{f"{business_ref}__isnull": False}) & condition


def release_rows(queryset: QuerySet[Any], *, viewer: Viewers, purpose: int, columns: Iterable[Column], require: Iterable[int],
                 business_field: str = "business_id", on: dt.date | None = None) -> ReleasedRows:
    """The set-based projection: the rows of `queryset` this viewer receives for this
    purpose, and of each row only the columns the decision allows.

    - a row is released only where its business releases every class of `require` (the
      classes without which a row says nothing, e.g. identity for an extract);
    - every other column is NULL on the rows whose business does not release its class
      (one NOT IN a hashed subquery per class, in the same query);
    - a column outside the ※ item list of the viewer's recipient (※5 for researchers,
      ※4/※6 for other SMEs and the public) is NULL on every row, as project() drops it;
    - procedure rows without the checklist opt-in serve purpose 3 only.
    Order and filter `queryset` first; read `.queryset` (tuples) or `.sql_with_params()`."""
    from django.db.models import Case, F, When

    from .access import viewer_recipient

    columns = list(columns)
    people = _viewers(viewer)
    recipients = {viewer_recipient(p) for p in people}
    recipient = recipients.pop() if len(recipients) == 1 else None
    required = set(require)
    rows = rows_released(queryset, viewer=viewer, purpose=purpose, classes=required, business_field=business_field, on=on)
    dropped: list[Dropped] = []
    limits = None
    if recipient == RESEARCHERS:
        limits = registry.RESEARCH_ITEMS
    elif recipient in (SMES, PUBLIC):
        limits = registry.PUBLISHED_ITEMS
    conditions: dict[int, Any] = {}
    expressions: dict[str, Any] = {}
    for column in columns:
        label, name, data_class, metadata = _item_of(queryset, column)
        target = _target_field(queryset, column.lookup)
        value: Any = F(column.lookup)
        if limits is not None and name not in limits.get(label, frozenset()):
            dropped.append(Dropped(column.name, data_class, _("Only the items the policy lists for this recipient are released.")))
            value = Value(None, output_field=target)
        elif not metadata and data_class not in required:
            data_class = cast(int, data_class)  # an item that is not metadata always has its class
            condition = conditions.get(data_class)
            if condition is None:
                condition = conditions[data_class] = [
                    class_released(data_class, viewer=p, purpose=purpose, business_ref=business_field, on=on) for p in people
                ]
            if any(getattr(c, "value", True) is False for c in condition):
                dropped.append(Dropped(column.name, data_class, _("The decision does not release this class.")))
                value = Value(None, output_field=target)
            else:
                test = condition[0]
                for other in condition[1:]:
                    test = test & other
                value = Case(When(test, then=F(column.lookup)), default=Value(None), output_field=target)
        expressions[RELEASED_PREFIX + column.name] = value
    names = [column.name for column in columns]
    released = rows.annotate(**expressions).values_list(*[RELEASED_PREFIX + n for n in names])
    return ReleasedRows(queryset=released, columns=names, dropped=dropped, recipient=recipient)
