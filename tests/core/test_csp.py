"""The Content-Security-Policy header is built once (core.csp, issue 16) and still follows
the setting and django-csp's own rules."""

from __future__ import annotations

import pytest
from csp.utils import build_policy


@pytest.mark.django_db
def test_every_page_carries_the_policy_of_the_settings(client, settings):
    expected = build_policy()
    assert "default-src 'self'" in expected and "frame-ancestors 'none'" in expected
    assert client.get("/").headers["Content-Security-Policy"] == expected
    assert client.get("/healthz").headers["Content-Security-Policy"] == expected
    assert "Content-Security-Policy-Report-Only" not in client.get("/").headers


@pytest.mark.django_db
def test_a_changed_setting_changes_the_header(client, settings):
    client.get("/")  # the header of the old setting is cached now
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert client.get("/").headers["Content-Security-Policy"] == "default-src 'none'"
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": ["'self'"]}}
    report_only = client.get("/").headers["Content-Security-Policy-Report-Only"]
    assert report_only == build_policy(report_only=True) and "img-src 'self'" in report_only
