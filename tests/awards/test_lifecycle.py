"""One lifecycle as the applicant sees it: the application's visible status and its API
timeline follow the award's steps (awards.lifecycle), and every timeline is a walk along
the joined map built from the two registered machines."""

from __future__ import annotations

import datetime as dt

import pytest

from applications.models import Application
from applications.transitions import MACHINE as APPLICATION_MACHINE
from awards import lifecycle, services
from awards.transitions import MACHINE as AWARD_MACHINE
from tests.applications.factories import SubsidyRoundFactory
from tests.awards.helpers import adopted_application, reported
from tests.factories import mfa_login

pytestmark = pytest.mark.django_db


def _listed(api_client, prime, application_id: int) -> dict:
    api_client.force_authenticate(prime)
    rows = api_client.get("/api/v1/applications").json()
    return next(r for r in rows if r["id"] == application_id)


def _walks_the_map(statuses: list[str]) -> bool:
    return all(b in lifecycle.LIFECYCLE.get(a, frozenset()) for a, b in zip(statuses, statuses[1:], strict=False))


def test_the_joined_map_is_built_from_the_two_registered_ones():
    for source, targets in APPLICATION_MACHINE.edges.items():
        assert targets <= lifecycle.LIFECYCLE[source]
    for source, targets in AWARD_MACHINE.edges.items():
        assert {lifecycle.award_step(t) for t in targets} <= lifecycle.LIFECYCLE[lifecycle.award_step(source)]
    # The one edge joining them: an award starts from an adopted application.
    assert "grant_requested" in lifecycle.LIFECYCLE["adopted"]
    assert not any("grant_requested" in targets for s, targets in lifecycle.LIFECYCLE.items() if s not in ("adopted", "completed"))


def test_status_and_timeline_follow_every_award_step_to_payment(api_client, client, prime, staff, adopted):
    row = _listed(api_client, prime, adopted.pk)
    assert row["status"] == "adopted"
    assert [s["status"] for s in row["timeline"]] == ["draft", "submitted", "under_review", "adopted"]

    reported(prime, staff, adopted)  # 交付申請, 交付決定, two lines, 実績報告
    row = _listed(api_client, prime, adopted.pk)
    assert row["status"] == "reported"
    services.confirm(actor=staff, application_id=adopted.pk, assessments={})
    services.payment_claim(actor=prime, application_id=adopted.pk)
    services.payment_record(actor=staff, application_id=adopted.pk)

    row = _listed(api_client, prime, adopted.pk)
    statuses = [s["status"] for s in row["timeline"]]
    assert row["status"] == "paid" == statuses[-1]
    assert statuses == ["draft", "submitted", "under_review", "adopted", "grant_requested", "granted", "reported",
                        "confirmed", "claimed", "paid"]
    assert _walks_the_map(statuses)
    times = [dt.datetime.fromisoformat(s["at"]) for s in row["timeline"]]
    assert times == sorted(times)
    # One source of truth per fact: the review's outcome stays in the application's row.
    assert Application.objects.get(pk=adopted.pk).status == "adopted"
    # The pages show the same status (ja by default).
    mfa_login(client, prime)
    assert "支払済" in client.get(f"/applications/{adopted.pk}/").content.decode()
    assert "支払済" in client.get("/applications/").content.decode()


def test_a_plan_change_shows_in_the_timeline_and_keeps_the_walk(api_client, prime, staff, adopted):
    from tests.awards.helpers import granted

    granted(prime, staff, adopted)
    services.plan_change_request(actor=prime, application_id=adopted.pk, plan={"advertising": 280_000, "travel": 80_000},
                                 reason="展示会を1回増やすため")
    assert _listed(api_client, prime, adopted.pk)["status"] == "change_requested"
    services.plan_change_decide(actor=staff, application_id=adopted.pk, approve=False, note="効果が不明確なため")
    statuses = [s["status"] for s in _listed(api_client, prime, adopted.pk)["timeline"]]
    assert statuses[-3:] == ["granted", "change_requested", "granted"]
    assert _walks_the_map(statuses)


def test_the_list_costs_the_same_queries_for_one_or_many_awards(api_client, prime, staff, adopted,
                                                                django_assert_max_num_queries):
    api_client.force_authenticate(prime)
    reported(prime, staff, adopted)
    with django_assert_max_num_queries(12) as one:
        api_client.get("/api/v1/applications")
    for _ in range(3):
        reported(prime, staff, adopted_application(prime, staff, SubsidyRoundFactory()))
    with django_assert_max_num_queries(len(one.captured_queries)):
        rows = api_client.get("/api/v1/applications").json()
    assert sum(1 for r in rows if r["status"] == "reported") == 4


def test_the_completion_report_is_not_a_step_after_the_award(prime, staff, adopted):
    """The old free-text completion report would fork the lifecycle once the award's steps
    carry it: refused, and nothing changes."""
    from applications import services as application_services
    from core.errors import ApplicationError
    from tests.awards.helpers import granted

    granted(prime, staff, adopted)
    with pytest.raises(ApplicationError):
        application_services.application_complete(actor=prime, application_id=adopted.pk, report="完了しました。")
    assert Application.objects.get(pk=adopted.pk).status == "adopted"
