"""The lifecycle of an application as the applicant sees it: one status, one timeline,
from the first draft to the last payment.

Two registered machines (core.transitions) carry it, each over its own facts, and
nothing is stored twice:

- applications/transitions.py — draft → submitted → under review → adopted (the review);
- awards/transitions.py — 交付申請 → 交付決定 → (計画変更) → 実績報告 → 確定 → 精算払請求 → 支払.

The status the applicant sees is the award's step once the application has an award,
the application's own status before. Why the award's steps are not copied into
`Application.status` as well: that column means "what the review decided" to every
other reader — open data publishes the `adopted` cases, consent's procedure-origin rule
and the wizard's "previous adoptions" read it, the research extract reports it — so
moving it on to "paid" would either break those readers or need a second column that has
to agree with `Award.status` and one day would not (a step written by one service and
not the other). Deriving the visible status from the two machines gives one source of
truth per fact: the application's review outcome in its row, the award's step in the
award's row, each changed only by `core.transitions.transition` (audited by the award
services' `audit_award_step` and the StatusChange row) — and a step of the award *is* the
application's step as the applicant sees it, by construction.

`LIFECYCLE` is the joined map, built from the two registered maps (so it cannot drift
from them): tests hold every timeline to it. An award starts only from an adopted
application (awards.services.grant_request), which is the one edge joining the two.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from applications.models import Application
from applications.transitions import MACHINE as APPLICATION_MACHINE
from core.models import StatusChange

from .models import Award
from .services import GRANTABLE
from .transitions import MACHINE as AWARD_MACHINE

# The award's first step is named for the applicant's lifecycle ("requested" alone would
# not say what was requested); every other award status keeps its name.
GRANT_REQUESTED = "grant_requested"
_AWARD_RENAMED = {Award.Status.REQUESTED.value: GRANT_REQUESTED}
# Where an award starts: the statuses awards.services.grant_request accepts.
_AWARD_STARTS_FROM = tuple(str(s) for s in GRANTABLE)


def award_step(status: str) -> str:
    """An award status as a status of the applicant's lifecycle."""
    return _AWARD_RENAMED.get(status, status)


def _build_map() -> dict[str, frozenset[str]]:
    edges: dict[str, set[str]] = {str(k): {str(t) for t in v} for k, v in APPLICATION_MACHINE.edges.items()}
    for source in _AWARD_STARTS_FROM:
        edges.setdefault(source, set()).add(GRANT_REQUESTED)
    for source, targets in AWARD_MACHINE.edges.items():
        edges.setdefault(award_step(source), set()).update(award_step(t) for t in targets)
    return {k: frozenset(v) for k, v in edges.items()}


LIFECYCLE: dict[str, frozenset[str]] = _build_map()

CHOICES: list[tuple[str, Any]] = (
    [(str(v), label) for v, label in Application.Status.choices]
    + [(award_step(v), label) for v, label in Award.Status.choices]
)
_LABELS = dict(CHOICES)


def award_of_loaded(application: Application) -> Award | None:
    """The application's award (None before the grant request), from the row already
    loaded with `select_related("award")` or with one query."""
    return getattr(application, "award", None)  # RelatedObjectDoesNotExist is an AttributeError


def lifecycle_status(application: Application, award: Award | None = None) -> str:
    award = award if award is not None else award_of_loaded(application)
    return award_step(award.status) if award is not None else application.status


def lifecycle_label(application: Application, award: Award | None = None) -> str:
    status = lifecycle_status(application, award)
    return str(_LABELS.get(status, status))


@dataclass(frozen=True)
class Step:
    status: str
    at: dt.datetime


def lifecycle_timeline(application: Application, award: Award | None, award_changes: Iterable[StatusChange]) -> list[Step]:
    """The draft's creation, every status the application reached (its events, prefetched),
    then the grant request and every step of the award, in order."""
    steps = [Step(Application.Status.DRAFT, application.created_at)]
    steps += [Step(e.to_status, e.at) for e in application.events.all()]
    if award is not None:
        steps.append(Step(GRANT_REQUESTED, award.requested_at))
        steps += [Step(award_step(c.to_status), c.at) for c in award_changes]
    return steps


def award_changes_by_award(awards: Iterable[Award]) -> dict[int, list[StatusChange]]:
    """The recorded status changes of many awards, oldest first (one query)."""
    ids = [str(a.pk) for a in awards]
    out: dict[int, list[StatusChange]] = {}
    if not ids:
        return out
    rows = StatusChange.objects.filter(model=AWARD_MACHINE.label, object_id__in=ids).order_by("at", "id")
    for row in rows:
        out.setdefault(int(row.object_id), []).append(row)
    return out
