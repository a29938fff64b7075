from __future__ import annotations

import pytest
from django.test import Client

from consent import services
from core.models import AuditEvent
from tests.factories import UserFactory, agency_staff, mfa_login

from .factories import business_with_prime

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    mfa_login(client, user)
    return client


def test_agency_staff_read_the_audit_log_but_cannot_change_it(django_assert_max_num_queries):
    business, owner = business_with_prime()
    services.consent_deny(actor=owner, business=business, data_class=6, recipient=5)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.CONSENT_CHANGED, business_id=business.pk)
    client = _client(agency_staff())
    with django_assert_max_num_queries(15):
        listing = client.get("/agency-admin/core/auditevent/")
    assert listing.status_code == 200
    assert f"/agency-admin/core/auditevent/{event.pk}/change/" in listing.content.decode()
    detail = client.get(f"/agency-admin/core/auditevent/{event.pk}/change/")
    assert detail.status_code == 200
    assert client.get("/agency-admin/core/auditevent/add/").status_code == 403
    assert client.post(f"/agency-admin/core/auditevent/{event.pk}/change/", {"kind": "x"}).status_code == 403
    assert client.post(f"/agency-admin/core/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).kind == AuditEvent.Kind.CONSENT_CHANGED
    assert client.get("/agency-admin/consent/consentchange/").status_code == 200
    assert client.get("/agency-admin/consent/narrowing/add/").status_code == 403


def test_other_staff_users_do_not_see_the_audit_log():
    user = UserFactory(is_staff=True)  # a staff flag without being agency staff
    response = _client(user).get("/agency-admin/core/auditevent/")
    assert response.status_code == 403
