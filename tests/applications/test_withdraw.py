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


class TestWithdrawalPage:
    """取下げ from the applicant's page: a confirmation step, then the service."""

    def test_confirmation_then_withdrawal(self, client, prime, open_round):
        from tests.factories import mfa_login

        application = submitted(prime, open_round)
        mfa_login(client, prime)
        detail = client.get(f"/applications/{application.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        assert f"/applications/{application.pk}/withdraw/" in detail and "申請を取り下げる" in detail
        confirm = client.get(f"/applications/{application.pk}/withdraw/", HTTP_ACCEPT_LANGUAGE="ja")
        assert confirm.status_code == 200 and "この申請を取り下げますか" in confirm.content.decode()
        not_confirmed = client.post(f"/applications/{application.pk}/withdraw/", {"reason": "計画変更"})
        assert not_confirmed.status_code == 200
        application.refresh_from_db()
        assert application.status == "submitted"
        done = client.post(f"/applications/{application.pk}/withdraw/", {"confirm": "yes", "reason": "計画変更"})
        assert done.status_code == 302
        application.refresh_from_db()
        assert application.status == "withdrawn" and application.receipt_number
        assert history(application).last().reason == "計画変更"
        # Withdrawn: no link any more, and the page says so.
        detail = client.get(f"/applications/{application.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        assert f"/applications/{application.pk}/withdraw/" not in detail

    def test_after_a_decision_others_and_strangers(self, client, prime, open_round):
        from tests.applications.factories import business_with_record
        from tests.factories import mfa_login, prime_user

        application = submitted(prime, open_round)
        staff = agency_staff()
        services.application_review_start(actor=staff, application_id=application.pk)
        services.application_review_decide(actor=staff, application_id=application.pk, score=Decimal("70"), result="adopted")
        mfa_login(client, prime)
        response = client.post(f"/applications/{application.pk}/withdraw/", {"confirm": "yes"}, HTTP_ACCEPT_LANGUAGE="ja")
        assert response.status_code == 302
        application.refresh_from_db()
        assert application.status == "adopted"
        client.logout()
        mfa_login(client, member_user(application.business, can_view_records=True))
        assert client.post(f"/applications/{application.pk}/withdraw/", {"confirm": "yes"}).status_code == 403
        client.logout()
        mfa_login(client, prime_user(business_with_record()))
        assert client.post(f"/applications/{application.pk}/withdraw/", {"confirm": "yes"}).status_code == 404
        application.refresh_from_db()
        assert application.status == "adopted"

    def test_a_draft_never_submitted_has_nothing_to_withdraw(self, client, prime, open_round):
        from tests.factories import mfa_login

        draft = start_draft(prime, subsidy_round=open_round)
        with pytest.raises(ApplicationError):
            services.application_withdraw(actor=prime, application_id=draft.pk)
        mfa_login(client, prime)
        assert f"/applications/{draft.pk}/withdraw/" not in client.get(f"/applications/{draft.pk}/").content.decode()
        assert client.post(f"/applications/{draft.pk}/withdraw/", {"confirm": "yes"}).status_code == 302
        draft.refresh_from_db()
        assert draft.status == "draft"
