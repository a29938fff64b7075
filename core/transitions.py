"""Status changes: one function, one map per model.

Every model field named `status` with choices belongs to a lifecycle. Its app declares
the lifecycle once, in `<app>/transitions.py`, as a `StateMachine` (which status may
become which) and registers it; `transition()` is then the only code that changes the
status of such a row, and `transition_many()` the only one that changes many at once.

Why one function:
- the allowed-transition map is checked in one place, so a service cannot move a row
  along an edge the map does not have;
- each change writes its `core.StatusChange` row in the same transaction (refused
  outside one), so the history of every lifecycle is complete by construction;
- scripts/lint_status.py refuses `.status = ...`, `setattr(obj, "status", ...)` and
  `.update(status=...)` anywhere else, and tests/test_architecture.py fails on a
  `status` field with choices that has no registered machine.

The caller locks the row first (`select_for_update`), as every service that changes a
status already does for its own checks; `transition_many` locks the rows itself.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.models import StatusChange


@dataclass(frozen=True)
class TransitionEvent:
    """What `after` hooks receive: the row (already saved), where it came from, who moved it."""

    obj: models.Model
    from_status: str
    to_status: str
    actor: Any
    reason: str


M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class StateMachine(Generic[M]):
    """The lifecycle of one model.

    edges:  status → the statuses it may become (a status absent from the keys is final).
    check:  object-specific refusals beyond the map (raise ApplicationError).
    after:  what belongs to every change of this model, in the same transaction (a
            domain history row, a notice through the outbox). Bulk changes refuse a
            machine that has one, since they would skip it.
    """

    model: type[M]
    edges: Mapping[str, frozenset[str]]
    field: str = "status"
    check: Callable[[M, str], None] | None = None
    after: Callable[[TransitionEvent], None] | None = None
    stamp_updated_at: bool = True

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def allows(self, current: str, to: str) -> bool:
        return to in self.edges.get(current, frozenset())

    def sources_of(self, to: str) -> frozenset[str]:
        return frozenset(source for source, targets in self.edges.items() if to in targets)

    def statuses(self) -> set[str]:
        return set(self.edges) | {s for targets in self.edges.values() for s in targets}


_REGISTRY: dict[type[models.Model], StateMachine[Any]] = {}


def register(machine: StateMachine[M]) -> StateMachine[M]:
    """Called at import of `<app>/transitions.py`. Every status in the map must be one of
    the field's choices, so a typo in a map fails at start-up, not on the day it is used."""
    choices = {value for value, _name in _choices(machine)}
    unknown = machine.statuses() - choices
    if unknown:
        raise ValueError(f"{machine.label}: statuses not among the field's choices: {sorted(unknown)}")
    _REGISTRY[machine.model] = machine
    return machine


@cache
def _discover() -> None:
    for app_name in settings.INSTALLED_APPS:
        try:
            importlib.import_module(f"{app_name}.transitions")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_name}.transitions":
                raise


def machines() -> dict[type[models.Model], StateMachine[Any]]:
    _discover()
    return dict(_REGISTRY)


def machine_for(model: type[models.Model]) -> StateMachine[Any]:
    _discover()
    concrete = model._meta.concrete_model or model
    try:
        return _REGISTRY[concrete]
    except KeyError:
        raise LookupError(f"No state machine is registered for {concrete._meta.label}.") from None


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Status changes are made inside the transaction of the service that makes them.")


def _actor_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _choices(machine: StateMachine[Any]) -> list[tuple[str, Any]]:
    field = machine.model._meta.get_field(machine.field)
    assert isinstance(field, models.Field), f"{machine.field} is not a column"
    return list(field.choices or ())


def _label(machine: StateMachine[Any], status: str) -> str:
    choices = dict(_choices(machine))
    return str(choices.get(status, status))


def transition(obj: models.Model, *, to: str, by: Any = None, reason: str = "", fields: Iterable[str] = ()) -> str:
    """Move `obj` (locked by the caller) to status `to`, saving `fields` too (values the
    caller has set on it for this step), and record the change. Returns the old status.

    Raises ApplicationError, changing nothing, when the map has no such edge or the
    machine's check refuses."""
    _require_transaction()
    machine = machine_for(type(obj))
    current: str = getattr(obj, machine.field)
    if not machine.allows(current, to):
        raise ApplicationError(errors={"non_field_errors": [
            _("This %(object)s is “%(current)s” and cannot become “%(to)s”.")
            % {"object": machine.model._meta.verbose_name, "current": _label(machine, current), "to": _label(machine, to)}
        ]})
    if machine.check is not None:
        machine.check(obj, to)
    setattr(obj, machine.field, to)
    update_fields = [machine.field, *fields]
    if machine.stamp_updated_at and any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        update_fields.append("updated_at")
    obj.save(update_fields=list(dict.fromkeys(update_fields)))
    actor = _actor_or_none(by)
    StatusChange.objects.create(model=machine.label, object_id=str(obj.pk), field=machine.field, from_status=current,
                                to_status=to, actor=actor, reason=reason[:200])
    if machine.after is not None:
        machine.after(TransitionEvent(obj=obj, from_status=current, to_status=to, actor=actor, reason=reason))
    return current


def transition_many(queryset: models.QuerySet[Any], *, to: str, by: Any = None, reason: str = "",
                    values: Mapping[str, Any] | None = None) -> int:
    """Move every row of `queryset` that may become `to` (by the map) to `to`, setting
    `values` on them too, and record each change. Rows in other statuses are left as they
    are. The rows are locked first; returns the number changed."""
    _require_transaction()
    machine = machine_for(queryset.model)
    if machine.after is not None:
        raise RuntimeError(f"{machine.label} has an `after` hook: change its rows one by one with transition().")
    rows = list(
        queryset.select_for_update()
        .filter(**{f"{machine.field}__in": sorted(machine.sources_of(to))})
        .order_by("pk")
        .values_list("pk", machine.field)
    )
    if not rows:
        return 0
    update: dict[str, Any] = {machine.field: to, **(values or {})}
    if machine.stamp_updated_at and any(f.name == "updated_at" for f in queryset.model._meta.concrete_fields):
        update.setdefault("updated_at", timezone.now())
    queryset.model._base_manager.filter(pk__in=[pk for pk, _status in rows]).update(**update)
    actor = _actor_or_none(by)
    StatusChange.objects.bulk_create([
        StatusChange(model=machine.label, object_id=str(pk), field=machine.field, from_status=current, to_status=to,
                     actor=actor, reason=reason[:200])
        for pk, current in rows
    ])
    return len(rows)


def history(obj: models.Model) -> models.QuerySet[StatusChange]:
    """The recorded status changes of one row, oldest first."""
    return StatusChange.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk)).order_by("at", "id")
