"""Beyond one machine: two gunicorn processes and two Celery workers on one database and
one Redis, nothing shared between them but those two. A revocation written through one
web process is in force on the very next request through the other; its mail is sent by
one of the two workers, once."""

from __future__ import annotations

import json
import time

import pytest

from notifications.models import OutboxMessage
from tests import production

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.worker]


def _api(server, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    status, _headers, raw = server.request(method, path, body=json.dumps(body).encode() if body is not None else None,
                                           headers={"Authorization": f"Token {token}", "Content-Type": "application/json",
                                                    "Accept-Language": "en"})
    return status, (json.loads(raw) if raw[:1] in (b"{", b"[") else {"raw": raw[:300].decode(errors="replace")})


def _copies(mail_dir, key: str) -> int:
    return sum(text.count(f"X-Mirasapo-Message-Id: {key}") for text in production.mail_files(mail_dir))


def test_a_revocation_through_one_web_process_holds_at_once_through_the_other(collected_static, tmp_path):
    from tests.disclosure.factories import approved_request, ensure_policy
    from tests.factories import with_totp

    ensure_policy()
    request, staff, prime, business = approved_request(classes=(1, 6))
    with_totp(staff), with_totp(prime)
    staff_token, prime_token = production.api_token_for(staff), production.api_token_for(prime)
    company = f"/api/v1/companies/{business.corporate_number}"
    mail_dir = tmp_path / "mail"

    with production.redis_server(tmp_path) as redis:
        env = production.production_env(static_root=collected_static, redis_url=redis.url,
                                        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
                                        EMAIL_FILE_PATH=str(mail_dir))
        with production.gunicorn(env, tmp_path, workers=1, threads=2, name="web-a") as web_a, \
                production.gunicorn(env, tmp_path, workers=1, threads=2, name="web-b") as web_b, \
                production.celery_worker(env, tmp_path, name="one", beat=True), \
                production.celery_worker(env, tmp_path, name="two"):
            assert web_a.process.pid != web_b.process.pid
            # Both processes answer the institution, from their own connections and caches.
            for server in (web_a, web_b):
                status, body = _api(server, "GET", company, staff_token)
                assert status == 200 and set(body["data_classes"]) == {"1", "6"}, (status, body)

            status, body = _api(web_a, "POST", f"/api/v1/disclosure-requests/{request.pk}/revoke", prime_token, {})
            assert status == 200 and body["status"] == "revoked", body
            # The next request, through the other process: the approval has ended.
            status, body = _api(web_b, "GET", company, staff_token)
            assert status == 404, (status, body, web_b.output())
            status, body = _api(web_a, "GET", company, staff_token)
            assert status == 404

            message = OutboxMessage.objects.get(template="disclosure_revoked", to_email=staff.email)
            production.wait_until(lambda: _copies(mail_dir, message.idempotency_key), timeout=90,
                                  what="one of the two workers to send the revocation mail")
            # Both workers and two relay runs later, still one copy.
            time.sleep(12)

    assert _copies(mail_dir, message.idempotency_key) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.delivery_attempts.filter(succeeded=True).count() == 1
