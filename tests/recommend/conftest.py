from __future__ import annotations

import pytest

from .factories import ensure_policy


@pytest.fixture(autouse=True)
def _policy_in_force(db):
    ensure_policy()
