"""Load the ローカルベンチマーク cut points (data/local_benchmark_scales.json) into
IndicatorScale. Used by migration 0002 and, so that a test-database flush (transactional
tests) does not leave the diagnosis without its scales, after every migrate/flush."""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "local_benchmark_scales.json"


def load_scales(model, *, only_if_empty: bool = False) -> int:
    if only_if_empty and model.objects.exists():
        return 0
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for row in data["scales"]:
        row = dict(row)
        code = row.pop("code")
        model.objects.update_or_create(code=code, defaults=row)
    return len(data["scales"])


def ensure_scales(sender=None, using="default", **kwargs) -> None:
    """post_migrate receiver (also emitted by `flush`)."""
    from django.db import DatabaseError

    from .models import IndicatorScale

    try:
        load_scales(IndicatorScale.objects.db_manager(using).model, only_if_empty=True)
    except DatabaseError:  # table not there yet (a partial migrate)
        pass
