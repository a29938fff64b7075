from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _database_for_every_test(db):
    """Every recommend test reads the catalogue or a business: all use the database."""
