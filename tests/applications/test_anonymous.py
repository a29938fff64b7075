"""Every page of the record and the applications refuses anonymous callers."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
@pytest.mark.parametrize("url", ["/record/", "/record/history/", "/record/identity/edit/", "/record/joint/add/", "/record/joint/1/edit/",
  "/applications/", "/applications/new/jizokuka_general/", "/applications/1/", "/applications/1/edit/", "/applications/1/autosave/",
  "/applications/1/submit/", "/applications/1/complete/", "/applications/1/pdf/", "/review/applications/", "/review/applications/1/",
  "/review/applications/1/pdf/"])
def test_anonymous_is_sent_to_sign_in(client, url):
    assert client.get(url).status_code in (302, 405)
    assert client.post(url).status_code in (302, 405)
