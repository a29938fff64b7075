"""Review by the call's criteria: scores stored and audited, the decision after every
criterion is scored, refusals in Japanese that change nothing, and two reviewers deciding
at once (one wins, the other is told)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.utils import translation

from applications import services as application_services
from applications.models import Application
from core.errors import ApplicationError
from core.models import AuditEvent, StatusChange
from reviews import services
from reviews.criteria import install_criteria
from reviews.models import ReviewScore
from tests.applications.factories import SubsidyRoundFactory, business_with_record
from tests.applications.helpers import ensure_reference_data, submitted
from tests.factories import agency_staff, prime_user

pytestmark = pytest.mark.django_db
FULL = {"analysis": 15, "policy": 16, "plan": 30, "budget": 15}


@pytest.fixture
def under_review(db):
    subsidy_round = SubsidyRoundFactory()
    install_criteria(subsidy_round)
    prime = prime_user(business_with_record())
    application = submitted(prime, subsidy_round)
    application_services.application_review_start(actor=agency_staff(), application_id=application.pk)
    return application


def test_scores_are_stored_audited_and_averaged(under_review):
    first, second = agency_staff(), agency_staff()
    assert services.review_score_save(actor=first, application_id=under_review.pk, points=FULL) == Decimal("76.00")
    assert services.review_score_save(actor=second, application_id=under_review.pk,
                                      points={**FULL, "plan": 20}) == Decimal("71.00")
    # A reviewer's second save replaces their points.
    assert services.review_score_save(actor=second, application_id=under_review.pk, points=FULL) == Decimal("76.00")
    assert ReviewScore.objects.filter(application=under_review).count() == 8
    event = AuditEvent.objects.filter(kind="application.scored", object_id=str(under_review.pk)).first()
    assert event.data == {"total": 76, "criteria": FULL}
    decided = services.review_decide(actor=first, application_id=under_review.pk, result="adopted")
    assert decided.status == "adopted" and decided.review_score == Decimal("76.00")
    assert decided.granted_amount == decided.requested_amount
    assert AuditEvent.objects.filter(kind="application.reviewed", object_id=str(under_review.pk), data__result="adopted").exists()


def test_bad_scores_and_out_of_order_steps_are_refused_in_japanese(under_review):
    staff = agency_staff()
    with translation.override("ja"):
        with pytest.raises(ApplicationError) as exc:
            services.review_score_save(actor=staff, application_id=under_review.pk, points={**FULL, "plan": 41})
        assert "0から40まで" in exc.value.errors["c_plan"][0]
        with pytest.raises(ApplicationError) as exc:
            services.review_score_save(actor=staff, application_id=under_review.pk, points={"analysis": 10})
        assert "採点してください" in exc.value.errors["c_policy"][0]
        with pytest.raises(ApplicationError) as exc:
            services.review_score_save(actor=staff, application_id=under_review.pk, points={**FULL, "budget": "１０点"})
        with pytest.raises(ApplicationError) as exc:
            services.review_decide(actor=staff, application_id=under_review.pk, result="adopted")
        assert "すべての審査項目" in str(exc.value.errors)
    assert not ReviewScore.objects.exists()
    assert Application.objects.get(pk=under_review.pk).status == "under_review"
    services.review_score_save(actor=staff, application_id=under_review.pk, points=FULL)
    services.review_decide(actor=staff, application_id=under_review.pk, result="not_adopted")
    with translation.override("ja"), pytest.raises(ApplicationError) as exc:
        services.review_decide(actor=staff, application_id=under_review.pk, result="adopted")
    assert "すでに採否が決定" in str(exc.value.errors)
    with pytest.raises(ApplicationError):
        services.review_score_save(actor=staff, application_id=under_review.pk, points=FULL)
    assert Application.objects.get(pk=under_review.pk).status == "not_adopted"


def test_only_agency_staff_and_only_submitted_applications(under_review):
    with pytest.raises(Http404):
        services.review_score_save(actor=prime_user(business_with_record()), application_id=under_review.pk, points=FULL)
    with pytest.raises(Http404):
        services.review_score_save(actor=agency_staff(), application_id=10**9, points=FULL)


def test_review_pages(client, under_review, django_assert_max_num_queries):
    from tests.factories import mfa_login

    staff = agency_staff()
    mfa_login(client, staff)
    with django_assert_max_num_queries(30):
        page = client.get(f"/review/applications/{under_review.pk}/score/", HTTP_ACCEPT_LANGUAGE="ja")
    assert page.status_code == 200 and "自社の経営状況分析の妥当性" in page.content.decode()
    bad = client.post(f"/review/applications/{under_review.pk}/score/",
                      {"action": "score", "c_analysis": "21", "c_policy": "1", "c_plan": "1", "c_budget": "1"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert bad.status_code == 200 and not ReviewScore.objects.exists()
    ok = client.post(f"/review/applications/{under_review.pk}/score/",
                     {"action": "score", **{f"c_{k}": str(v) for k, v in FULL.items()}}, HTTP_ACCEPT_LANGUAGE="ja")
    assert ok.status_code == 302 and ReviewScore.objects.count() == 4
    unconfirmed = client.post(f"/review/applications/{under_review.pk}/score/", {"action": "decide", "result": "adopted"},
                              HTTP_ACCEPT_LANGUAGE="ja")
    assert unconfirmed.status_code == 200 and Application.objects.get(pk=under_review.pk).status == "under_review"
    done = client.post(f"/review/applications/{under_review.pk}/score/", {"action": "decide", "result": "adopted", "confirm": "on"})
    assert done.status_code == 302 and Application.objects.get(pk=under_review.pk).status == "adopted"
    # Another role: 403 before any lookup; an unknown id: 404.
    client.logout()
    mfa_login(client, prime_user(business_with_record()))
    assert client.get(f"/review/applications/{under_review.pk}/score/").status_code == 403
    client.logout()
    mfa_login(client, staff)
    assert client.get("/review/applications/999999999/score/").status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reviewers_deciding_at_once_one_wins_the_other_is_told():
    ensure_reference_data()
    subsidy_round = SubsidyRoundFactory()
    install_criteria(subsidy_round)
    prime = prime_user(business_with_record())
    application = submitted(prime, subsidy_round)
    staff = agency_staff()
    application_services.application_review_start(actor=staff, application_id=application.pk)
    services.review_score_save(actor=staff, application_id=application.pk, points=FULL)
    reviewers = [agency_staff(), agency_staff()]
    barrier = threading.Barrier(2)
    results: list = []

    def decide(reviewer, result):
        try:
            barrier.wait()
            with translation.override("ja"):
                services.review_decide(actor=reviewer, application_id=application.pk, result=result)
            results.append(result)
        except ApplicationError as exc:
            results.append(str(exc.errors))
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(reviewers[0], "adopted")),
               threading.Thread(target=decide, args=(reviewers[1], "not_adopted"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [r for r in results if r in ("adopted", "not_adopted")]
    assert len(winners) == 1 and any("すでに採否が決定" in r for r in results), results
    application.refresh_from_db()
    assert application.status == winners[0]
    assert StatusChange.objects.filter(model="applications.application", object_id=str(application.pk),
                                       to_status__in=["adopted", "not_adopted"]).count() == 1
