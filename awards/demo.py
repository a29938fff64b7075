"""Demo awards: the owner's adopted 持続化 application has requested its grant and got the
decision; its 実績報告 is due in five days (so the reminder and the timeline show)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import User
from applications.models import Application, Program
from core.demo import DemoContext
from core.transitions import transition

from .models import Award, DueDate

DEMO_PLAN = {"advertising": 300_000, "travel": 60_000}


def seed(ctx: DemoContext) -> None:
    if ctx.owner_business_id is None:
        return
    application = (Application.objects.filter(business_id=ctx.owner_business_id, program=Program.JIZOKUKA_GENERAL,
                                              status=Application.Status.ADOPTED).order_by("-fiscal_year", "-pk").first())
    if application is None or Award.objects.filter(application=application).exists():
        return
    owner = User.objects.filter(email="owner@demo.mirasapo.jp").first()
    agency = User.objects.filter(email="analyst@agency.demo.mirasapo.jp").first()
    now = timezone.now()
    award = Award.objects.create(application=application, plan=DEMO_PLAN, requested_amount=240_000, requested_at=now,
                                 requested_by=owner, rate_numerator=2, rate_denominator=3, cap=500_000)
    award.granted_amount, award.granted_at = 240_000, now
    award.project_end = timezone.localdate() + dt.timedelta(days=3)
    transition(award, to=Award.Status.GRANTED, by=agency, reason="交付決定",
               fields=["granted_amount", "granted_at", "project_end"])
    DueDate.objects.create(award=award, step=DueDate.Step.REPORT, due_on=timezone.localdate() + dt.timedelta(days=5))
