"""The production shape, as the Docker image runs it: static files collected with the
production storage (hashed names, manifest, compression), gunicorn with gunicorn.conf.py
and DJANGO_ENV=production, the main pages served through the real WSGI app — 200, never
500 — and /healthz failing exactly when a page would fail."""

from __future__ import annotations

import json
import re

import pytest

from tests import production

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PUBLIC_PAGES = [
    "/", "/accounts/login/", "/accounts/signup/", "/programs/", "/cases/", "/supporters/", "/open-data/",
    "/eligibility/jizokuka/", "/eligibility/minimum-wage/", "/api/docs/",
]
API = ["/api/v1/policy", "/api/v1/programs", "/api/v1/open-data/adoptions", "/api/schema/"]


def _signed_in_cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.session
    session["mirasapo_mfa_passed"] = True
    session.save()
    return f"sessionid={session.session_key}"


def test_collectstatic_with_the_production_storage_writes_a_manifest(collected_static):
    manifest = json.loads((collected_static / "staticfiles.json").read_text())
    assert re.fullmatch(r"css/portal\.[0-9a-f]{12}\.css", manifest["paths"]["css/portal.css"])
    assert (collected_static / manifest["paths"]["vendor/chart.umd.js"]).exists()
    # No asset may name a file that is not shipped (the chart.js source map broke this once).
    assert "vendor/chart.umd.js.map" not in manifest["paths"]


def test_main_pages_answer_200_through_gunicorn_with_production_settings(collected_static, tmp_path):
    from tests.factories import BusinessFactory, member_user, prime_user

    owner = prime_user(BusinessFactory())
    member = member_user(owner.business)
    cookie = _signed_in_cookie(owner)
    env = production.production_env(static_root=collected_static)
    with production.gunicorn(env, tmp_path) as server:
        failures = []
        for path in PUBLIC_PAGES + API:
            status, headers, body = server.get(path)
            if status != 200:
                failures.append((path, status, body[:300]))
        for path in ["/mypage/", "/mypage/api-tokens/", "/api/v1/me"]:
            status, headers, body = server.get(path, headers={"Cookie": cookie})
            if status != 200:
                failures.append((path, status, body[:300]))
        status, headers, body = server.get("/api/v1/me", headers={"Authorization": f"Token {production.api_token_for(member)}"})
        if status != 200:
            failures.append(("/api/v1/me (token)", status, body[:300]))
        assert not failures, (failures, server.output())

        # The pages link the hashed, collected files, and WhiteNoise serves them.
        status, _headers, home = server.get("/")
        stylesheet = re.search(rb'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', home)
        assert stylesheet, home[:2000]
        status, headers, _body = server.get(stylesheet.group(1).decode(), headers={"Accept-Encoding": "gzip"})
        assert status == 200 and headers.get("content-encoding") == "gzip"
        assert "immutable" in headers.get("cache-control", "")

        status, _headers, body = server.get("/healthz")
        assert (status, json.loads(body)["status"]) == (200, "ok")
        status, _headers, body = server.get("/readyz")
        checks = json.loads(body)["checks"]
        assert status == 200 and all(checks[name]["ok"] for name in ("database", "static", "cache", "migrations"))
        assert checks["static"]["manifest"] is True
        # Production settings: the request was treated as HTTPS behind the proxy.
        status, headers, _body = server.get("/", headers={"X-Forwarded-Proto": "http"})
        assert status == 301 and headers["location"].startswith("https://")


def test_without_collected_static_files_healthz_fails_as_the_pages_do(tmp_path):
    """The check above could pass by luck; here the manifest is missing, pages answer
    500, and /healthz must say so (503) instead of passing the container health check."""
    empty = tmp_path / "empty-static"
    empty.mkdir()
    env = production.production_env(static_root=empty)
    with production.gunicorn(env, tmp_path, workers=1, threads=1) as server:
        assert server.get("/")[0] == 500
        status, _headers, body = server.get("/healthz")
        assert (status, json.loads(body)["status"]) == (503, "fail")
        status, _headers, body = server.get("/readyz")
        detail = json.loads(body)["checks"]
        assert status == 503 and detail["static"]["ok"] is False and detail["database"]["ok"] is True


def test_without_redis_healthz_reports_degraded_and_pages_still_work(collected_static, tmp_path):
    dead_redis = f"redis://127.0.0.1:{production.free_port()}/0"
    env = production.production_env(static_root=collected_static, redis_url=dead_redis)
    with production.gunicorn(env, tmp_path, workers=1, threads=1) as server:
        status, _headers, body = server.get("/healthz")
        assert (status, json.loads(body)["status"]) == (200, "degraded")
        status, _headers, body = server.get("/readyz")
        assert json.loads(body)["checks"]["cache"]["ok"] is False
        for path in ["/", "/accounts/login/", "/programs/", "/api/v1/policy"]:
            assert server.get(path)[0] == 200, (path, server.output())
