"""Every URL of the project is either public on purpose or refuses an anonymous caller.

The walk is generic (core.urlwalk): URLs that any app adds later are covered without
editing this file. A URL is public when its module names it in PUBLIC_URL_NAMES; allauth's
own pages, the language switch and static files guard themselves.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from core.urlwalk import walk_urls

pytestmark = pytest.mark.django_db

PROTECTED = [u for u in walk_urls() if not u.public and not u.self_guarded]
PUBLIC = [u for u in walk_urls() if u.public]


def _refuses(client, path: str) -> tuple[bool, str]:
    """Refused means: 401/403/404, or a redirect chain (inside the site) ending at sign-in."""
    login_paths = {reverse("account_login")}
    response = client.get(path)
    if response.status_code == 405:
        response = client.post(path, {})
    for _hop in range(4):
        if response.status_code in (401, 403, 404):
            return True, str(response.status_code)
        if response.status_code in (301, 302, 303, 307, 308):
            target = urlsplit(response["Location"])
            if target.netloc:
                return False, f"redirects off-site to {response['Location']}"
            if target.path in login_paths:
                return True, "302 to sign-in"
            response = client.get(target.path + ("?" + target.query if target.query else ""))
            continue
        break
    return False, f"answered {response.status_code}"


def test_the_walk_finds_the_project_urls():
    paths = {u.path for u in walk_urls()}
    assert "/mypage/members/" in paths and "/api/v1/me" in paths and "/mypage/members/1/remove/" in paths
    assert len(PROTECTED) > 20


def test_public_list_is_short_and_named():
    names = {u.name for u in PUBLIC}
    assert {"home", "healthz", "api-schema", "api-docs", "account_signup"} <= names
    assert "accounts:mypage" not in names and "accounts:members" not in names


@pytest.mark.parametrize("url", PROTECTED, ids=lambda u: u.path)
def test_every_protected_url_refuses_an_anonymous_caller(client, url):
    refused, how = _refuses(client, url.path)
    assert refused, f"{url.path} ({url.name or 'unnamed'}, {url.module}) {how} to an anonymous caller"


def test_public_pages_answer_an_anonymous_caller(client):
    for name in ("home", "healthz", "api-schema", "api-docs", "account_signup"):
        assert client.get(reverse(name)).status_code == 200, name


def test_admin_sign_in_goes_through_allauth(client):
    response = client.get("/agency-admin/login/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
