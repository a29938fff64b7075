"""Idempotency-Key on every state-changing API call (api.md, "Writes"; core/idempotency.py)."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import resolve
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import api_token_issue
from consent.models import Narrowing
from core.models import AuditEvent, IdempotentRequest
from core.urlwalk import walk_urls
from disclosure.models import DisclosureRequest
from notifications.models import OutboxMessage
from tests.factories import (
    BusinessFactory,
    institution_staff,
    mfa_login,
    prime_user,
    with_totp,
)

URL = "/api/v1/disclosure-requests"


def _body(business, **overrides) -> dict:
    valid_until = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    return {"corporate_number": business.corporate_number, "purpose": 6, "data_classes": [1, 6],
            "valid_until": valid_until, **overrides}


def _staff_client(staff=None) -> APIClient:
    client = APIClient()
    client.force_login(staff or institution_staff())
    return client


@pytest.mark.django_db
def test_same_key_and_body_returns_the_first_answer_and_writes_nothing_more():
    business = BusinessFactory()
    client = _staff_client()
    first = client.post(URL, _body(business), format="json", HTTP_IDEMPOTENCY_KEY="req-1")
    assert first.status_code == 201
    counts = (DisclosureRequest.objects.count(), AuditEvent.objects.count(), OutboxMessage.objects.count())
    again = client.post(URL, _body(business), format="json", HTTP_IDEMPOTENCY_KEY="req-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert (DisclosureRequest.objects.count(), AuditEvent.objects.count(), OutboxMessage.objects.count()) == counts
    assert counts[0] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "needle"), [("ja", "別の内容"), ("en", "different request")])
def test_same_key_with_another_body_is_422_in_the_error_shape(language, needle):
    business = BusinessFactory()
    client = _staff_client()
    assert client.post(URL, _body(business), format="json", HTTP_IDEMPOTENCY_KEY="req-2").status_code == 201
    other = client.post(URL, _body(business, purpose=2), format="json", HTTP_IDEMPOTENCY_KEY="req-2",
                        HTTP_ACCEPT_LANGUAGE=language)
    assert other.status_code == 422
    assert needle in other.json()["errors"]["idempotency_key"][0]
    assert DisclosureRequest.objects.count() == 1


@pytest.mark.django_db
def test_keys_belong_to_their_caller():
    business = BusinessFactory()
    one, two = _staff_client(), _staff_client()
    assert one.post(URL, _body(business), format="json", HTTP_IDEMPOTENCY_KEY="shared").status_code == 201
    second = two.post(URL, _body(business), format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert second.status_code == 201 and "Idempotent-Replayed" not in second
    assert DisclosureRequest.objects.count() == 2


@pytest.mark.django_db
def test_a_refusal_is_not_stored_so_the_corrected_body_may_use_the_key():
    business = BusinessFactory()
    client = _staff_client()
    refused = client.post(URL, _body(business, purpose="x"), format="json", HTTP_IDEMPOTENCY_KEY="req-3")
    assert refused.status_code == 400
    assert not IdempotentRequest.objects.exists()
    assert client.post(URL, _body(business), format="json", HTTP_IDEMPOTENCY_KEY="req-3").status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 256, "日本語", "a b"])
def test_a_malformed_key_is_400(key):
    response = _staff_client().post(URL, _body(BusinessFactory()), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400 and "idempotency_key" in response.json()["errors"]
    assert not DisclosureRequest.objects.exists()


@pytest.mark.django_db
def test_with_a_token_and_with_put():
    business = BusinessFactory()
    prime = prime_user(business)
    client = Client()
    mfa_login(client, prime)
    body = json.dumps({"denied": [{"data_class": 6, "recipient": 5}]})
    first = client.put("/api/v1/consent", data=body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="put-1")
    assert first.status_code == 200
    audits = AuditEvent.objects.count()
    again = client.put("/api/v1/consent", data=body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="put-1")
    assert again.status_code == 200 and again.json() == first.json() and AuditEvent.objects.count() == audits
    assert Narrowing.objects.filter(business=business).count() == 1

    staff = institution_staff()
    with_totp(staff)  # institution staff need TOTP before they hold an API token
    _token, key = api_token_issue(user=staff, name="test")
    api = APIClient()
    headers = {"HTTP_AUTHORIZATION": f"Token {key}", "HTTP_IDEMPOTENCY_KEY": "tok-1"}
    assert api.post(URL, _body(business), format="json", **headers).status_code == 201
    assert api.post(URL, _body(business), format="json", **headers)["Idempotent-Replayed"] == "true"
    assert DisclosureRequest.objects.count() == 1


@pytest.mark.django_db
def test_an_expired_key_may_be_used_again(settings):
    business = BusinessFactory()
    client = _staff_client()
    assert client.post(URL, _body(business), format="json", HTTP_IDEMPOTENCY_KEY="old").status_code == 201
    IdempotentRequest.objects.update(created_at=timezone.now() - dt.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS + 1))
    again = client.post(URL, _body(business), format="json", HTTP_IDEMPOTENCY_KEY="old")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    from core.tasks import purge_idempotency_keys

    IdempotentRequest.objects.update(created_at=timezone.now() - dt.timedelta(days=30))
    assert purge_idempotency_keys() == 1 and not IdempotentRequest.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_run_once():
    business = BusinessFactory()
    staff = institution_staff()
    clients = [_staff_client(staff) for _ in range(6)]
    barrier = threading.Barrier(6)
    responses: list = [None] * 6

    def send(index: int) -> None:
        try:
            barrier.wait()
            responses[index] = clients[index].post(URL, _body(business), format="json", HTTP_IDEMPOTENCY_KEY="race")
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [r.status_code for r in responses] == [201] * 6
    assert len({r.content for r in responses}) == 1
    assert DisclosureRequest.objects.count() == 1
    assert sum(1 for r in responses if r.get("Idempotent-Replayed") == "true") == 5


def test_every_state_changing_api_view_is_covered():
    """Each API view with a write method either goes through the middleware (the default)
    or keeps its own record of keys; none opts out silently."""
    from django.conf import settings

    from core.idempotency import IdempotencyMiddleware  # noqa: F401 - the middleware is installed

    assert settings.MIDDLEWARE[-1] == "core.idempotency.IdempotencyMiddleware"
    writers = []
    for url in walk_urls():
        if not url.path.startswith("/api/v1/"):
            continue
        view_class = getattr(resolve(url.path).func, "cls", None)
        if view_class is None:
            continue
        if {"post", "put", "patch", "delete"} & {m for m in dir(view_class) if m in ("post", "put", "patch", "delete")}:
            writers.append((url.path, getattr(view_class, "idempotency_key_handled", False)))
    assert writers, "the walk finds the API's writes"
    own = [path for path, handled in writers if handled]
    assert own == ["/api/v1/partner/records"], own
