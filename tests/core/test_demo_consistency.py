"""The demo data agrees with itself: an application's history leads to its status through
the lifecycle (no 採択 with a history saying it was never submitted); a program taking
applications on the portal has its round's reception period; recommendations for the demo
companies respect their age and town."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from companies.models import Business
from core.models import StatusChange
from core.transitions import machine_for
from programs.models import SupportProgram
from programs.rounds import current_round
from recommend.engine import recommend

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", companies=60, stdout=io.StringIO())


def test_every_application_has_the_history_its_status_implies(seeded, client):
    machine = machine_for(Application)
    applications = list(Application.objects.prefetch_related("events"))
    assert applications and any(a.status == Application.Status.ADOPTED for a in applications)
    changes: dict[str, list[StatusChange]] = {}
    for change in StatusChange.objects.filter(model="applications.application").order_by("at", "id"):
        changes.setdefault(change.object_id, []).append(change)
    for application in applications:
        events = sorted(application.events.all(), key=lambda e: (e.at, e.pk))
        if application.status == Application.Status.DRAFT:
            assert not events, application.pk
            continue
        assert events, f"{application.pk} ({application.status}) has no history"
        assert events[0].from_status == Application.Status.DRAFT and events[0].to_status == Application.Status.SUBMITTED
        assert events[-1].to_status == application.status, application.pk
        for before, after in zip(events, events[1:], strict=False):
            assert before.to_status == after.from_status and before.at <= after.at
        for event in events:
            assert machine.allows(event.from_status, event.to_status), (application.pk, event)
        assert [(c.from_status, c.to_status) for c in changes.get(str(application.pk), [])] == \
            [(e.from_status, e.to_status) for e in events]
    # What the applicant sees: 採択 with its submission in the history.
    from accounts.models import User
    from tests.factories import mfa_login

    owner = User.objects.get(email="owner@demo.mirasapo.jp")
    adopted = Application.objects.get(business=owner.business, status=Application.Status.ADOPTED)
    mfa_login(client, owner)
    html = client.get(reverse("applications:detail", args=[adopted.pk])).content.decode()
    assert "まだ提出されていません" not in html and "採択" in html and "提出済み" in html


def test_a_program_has_the_reception_period_of_its_round(seeded, client):
    today = timezone.localdate()
    with_rounds = [p for p in SupportProgram.objects.exclude(application_program="") if current_round(p.application_program)]
    assert with_rounds
    for program in with_rounds:
        round_ = current_round(program.application_program, today=today)
        assert (program.opens_on, program.deadline) == (round_.opens_on, timezone.localdate(round_.deadline)), program.name
    jizokuka = next(p for p in with_rounds if p.application_program == "jizokuka_general")
    html = client.get(reverse("programs:program_detail", args=[jizokuka.pk])).content.decode()
    round_ = current_round("jizokuka_general")
    closes = timezone.localdate(round_.deadline)
    assert f"{closes.year}年{closes.month}月{closes.day}日" in html and f"第{round_.number}回" in html


def test_recommendations_respect_the_age_and_town_of_the_demo_companies(seeded):
    today = timezone.localdate()
    startups = SupportProgram.objects.filter(max_business_age__isnull=False)
    municipal = SupportProgram.objects.exclude(municipalities=[])
    assert startups.exists() and municipal.exists()
    startup_ids, municipal_by_id = set(startups.values_list("pk", flat=True)), {p.pk: p for p in municipal}
    checked = 0
    for business in Business.objects.order_by("pk")[:40]:
        for rec in recommend(business, limit=50)["program"]:
            if rec.item.pk in startup_ids:
                assert business.founded_year and today.year - business.founded_year <= rec.item.max_business_age, \
                    (business.founded_year, rec.item.name)
            if rec.item.pk in municipal_by_id:
                assert business.municipality in municipal_by_id[rec.item.pk].municipalities, (business.municipality, rec.item.name)
            assert rec.reasons and all(isinstance(r, str) and r for r in rec.reasons)
            checked += 1
    assert checked
