"""Withdrawal (取下げ) of an application: a real service reaching the map's edges."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from applications import services
from core.errors import ApplicationError
from core.models import AuditEvent
from core.transitions import history
from tests.factories import agency_staff, member_user

from .helpers import start_draft, submitted

pytestmark = pytest.mark.django_db


class TestApplicationWithdrawal:
    def test_the_prime_holder_withdraws_a_submitted_application(self, prime, open_round):
        application = submitted(prime, open_round)
        withdrawn = services.application_withdraw(actor=prime, application_id=application.pk, reason="計画変更")
        assert withdrawn.status == "withdrawn" and withdrawn.receipt_number
        assert AuditEvent.objects.filter(kind="application.withdrawn", object_id=str(application.pk)).exists()
        assert [(c.from_status, c.to_status) for c in history(withdrawn)] == [("draft", "submitted"), ("submitted", "withdrawn")]
        # A new application for the same round may be started.
        assert start_draft(prime, subsidy_round=open_round).pk != application.pk

    def test_after_a_decision_or_by_others_it_is_refused(self, prime, open_round):
        application = submitted(prime, open_round)
        with pytest.raises(PermissionDenied):
            services.application_withdraw(actor=member_user(application.business), application_id=application.pk)
        with pytest.raises(Http404):
            services.application_withdraw(actor=agency_staff(), application_id=application.pk)
        staff = agency_staff()
        services.application_review_start(actor=staff, application_id=application.pk)
        services.application_review_decide(actor=staff, application_id=application.pk, score=Decimal("60"), result="not_adopted")
        with pytest.raises(ApplicationError):
            services.application_withdraw(actor=prime, application_id=application.pk)
