"""Two advisors issuing the same 様式4 at once, against the real database: one issues,
the other is told in Japanese, and exactly one PDF is attached."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import translation

from core.errors import ApplicationError
from core.models import StatusChange
from documents.models import Attachment
from supportplans import services
from supportplans.models import SupportPlanRequest
from tests.applications.factories import SubsidyRoundFactory, business_with_record
from tests.applications.helpers import (
    COMPLETE_JIZOKUKA,
    ensure_reference_data,
    start_draft,
)
from tests.factories import institution_staff, prime_user

from .helpers import FORM4, area_institution, requested


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_advisors_issuing_at_once_one_wins_the_other_is_told():
    from applications import services as application_services

    ensure_reference_data()
    business = business_with_record()
    prime = prime_user(business)
    application = start_draft(prime, subsidy_round=SubsidyRoundFactory())
    application_services.application_save_draft(actor=prime, application_id=application.pk, content=dict(COMPLETE_JIZOKUKA),
                                                 confirm_all=True)
    shokokai = area_institution(business)
    advisors = [institution_staff(shokokai), institution_staff(shokokai)]
    request = requested(prime, application, institution=shokokai)
    services.support_plan_take_up(actor=advisors[0], request_id=request.pk)
    barrier = threading.Barrier(2)
    results: list = []

    def issue(advisor):
        try:
            barrier.wait()
            with translation.override("ja"):
                services.support_plan_issue(actor=advisor, request_id=request.pk, values=FORM4)
            results.append("issued")
        except ApplicationError as exc:
            results.append(str(exc.errors))
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(a,)) for a in advisors]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("issued") == 1 and any("すでに交付" in r for r in results), results
    assert SupportPlanRequest.objects.get(pk=request.pk).status == "issued"
    assert Attachment.objects.filter(application=application, document__document_type="support_plan").count() == 1
    assert StatusChange.objects.filter(model="supportplans.supportplanrequest", object_id=str(request.pk),
                                       to_status="issued").count() == 1
