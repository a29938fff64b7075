from __future__ import annotations

import pytest

from tests.factories import agency_staff, mfa_login


@pytest.fixture
def agency_client(client):
    user = agency_staff()
    mfa_login(client, user)
    client.user = user
    return client
