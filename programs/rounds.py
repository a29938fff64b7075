"""A program's reception period (受付期間) comes from its round (applications.SubsidyRound)
where the portal takes applications for it: the round open now, else the next one, else
the last one. reception_periods_sync copies it onto the catalogue row (list pages, the
home page's open calls and the alerts read those columns), after the rounds are seeded
and every night; the program page reads the round itself."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from applications.models import SubsidyRound

from .models import SupportProgram


def current_round(code: str, *, today: dt.date | None = None) -> SubsidyRound | None:
    if not code:
        return None
    today = today or timezone.localdate()
    rounds = list(SubsidyRound.objects.filter(program=code).order_by("opens_on", "number"))
    if not rounds:
        return None
    for r in rounds:
        if r.opens_on <= today <= timezone.localdate(r.deadline):
            return r
    upcoming = [r for r in rounds if r.opens_on > today]
    return upcoming[0] if upcoming else max(rounds, key=lambda r: r.deadline)


def reception_period(program: SupportProgram, *, today: dt.date | None = None) -> tuple[dt.date | None, dt.date | None, SubsidyRound | None]:
    """(opens on, closes on, the round) — the program's own columns when no round applies."""
    round_ = current_round(program.application_program, today=today)
    if round_ is None:
        return program.opens_on, program.deadline, None
    return round_.opens_on, timezone.localdate(round_.deadline), round_


def reception_periods_sync(*, today: dt.date | None = None) -> int:
    """Copy every program's period from its current round; the number of rows changed."""
    changed = 0
    with transaction.atomic():
        for program in SupportProgram.objects.exclude(application_program="").select_for_update():
            opens_on, deadline, round_ = reception_period(program, today=today)
            if round_ is not None and (program.opens_on, program.deadline) != (opens_on, deadline):
                program.opens_on, program.deadline = opens_on, deadline
                program.save(update_fields=["opens_on", "deadline", "updated_at"])
                changed += 1
    return changed
