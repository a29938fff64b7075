"""Issue 16: the plans of the consent filters cannot collapse into a nested-loop anti-join.

The narrowings used to be a NOT EXISTS correlated with the row; PostgreSQL plans that as an
anti-join whose method follows the estimates, and without table statistics (after a bulk
load, before autovacuum's ANALYZE) it chose a nested loop (open data 592 ms instead of
111 ms). The filters are now `business_id NOT IN (one uncorrelated subquery)`
(consent.access.narrowed_business_ids), which PostgreSQL never turns into a join: it runs
the subquery once into a hash table and probes it per row (a "hashed SubPlan").

Each release that filters many rows (open data, the institution's anonymised list, the
research extract) is EXPLAINed on a seeded database in three states: as loaded, before any
ANALYZE of what was loaded; after ANALYZE; and with hash and merge joins switched off, the
plan a bad estimate leads to. In none may a node be an anti-join, and every subplan over
the consent tables must be hashed (run once), not run per row. The control at the end
shows that the same check does catch a NOT EXISTS filter.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

pytestmark = pytest.mark.django_db

# Tables whose rows decide consent or a refusal: a subplan over one of them must be hashed.
CONSENT_TABLES = {"consent_narrowing", "consent_institutiongrant", "disclosure_institutionblock"}
SEEDED_TABLES = ["companies_business", "companies_financialyear", "applications_application", "consent_narrowing"]


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def _explain(queryset: QuerySet[Any]) -> dict[str, Any]:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON, VERBOSE) " + sql, params)
        (plan,) = cursor.fetchone()
    return json.loads(plan) if isinstance(plan, str) else plan


def plan_problems(queryset: QuerySet[Any]) -> list[str]:
    """What is wrong with the plan of `queryset`: anti-joins, and subplans over the consent
    tables that run per row (correlated) instead of once (hashed)."""
    explained = _explain(queryset)
    text = json.dumps(explained)
    problems = []
    for node in _nodes(explained[0]["Plan"]):
        if "Anti" in node.get("Join Type", ""):
            problems.append(f"{node['Node Type']} {node['Join Type']} join")
        if node.get("Parent Relationship") == "SubPlan" and node.get("Relation Name") in CONSENT_TABLES:
            name = node.get("Subplan Name", "")
            hashed = name.startswith("hashed ") or re.search(rf"hashed {re.escape(name)}\b", text)
            if not hashed:
                problems.append(f"{name} over {node['Relation Name']} runs per row")
    return problems


def _as_loaded() -> None:
    """The statistics as the bulk load left them (no ANALYZE of what it filled)."""


def _analyzed() -> None:
    with connection.cursor() as cursor:
        for table in SEEDED_TABLES:
            cursor.execute(f"ANALYZE {table}")


def _only_nested_loops() -> None:
    """What a bad estimate leads to: the planner believes a nested loop is cheapest."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")


STATES: list[tuple[str, Callable[[], None]]] = [
    ("as loaded, before ANALYZE", _as_loaded),
    ("after ANALYZE", _analyzed),
    ("only nested loops (a bad estimate)", _only_nested_loops),
]


@pytest.fixture
def seeded():
    """5,000 businesses, 30,000 financial years, 20,000 applications, 1 % narrowed (COPY),
    without the ANALYZE that bulk loads otherwise end with."""
    from analytics.benchsupport import seed_scale

    seed_scale(applications=20_000, per_business=4, analyze=False)
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET enable_hashjoin")
        cursor.execute("RESET enable_mergejoin")


def _releases() -> dict[str, QuerySet[Any]]:
    from analytics.extract import extract_queryset
    from analytics.open_data import adoption_list, certification_list
    from disclosure.selectors import anonymised_company_list
    from tests.factories import institution_staff, researcher

    scientist = researcher(approved=True, approved_until=dt.date.today() + dt.timedelta(days=30))
    return {
        "open data: adoptions": adoption_list(filters={}),
        "open data: certifications": certification_list(filters={}),
        "institution: anonymised list": anonymised_company_list(viewer=institution_staff()),
        "research extract": extract_queryset(viewer=scientist, filters={}),
    }


@pytest.mark.parametrize("state", [name for name, _set in STATES])
def test_consent_filters_never_plan_an_anti_join(seeded, state):
    from applications.models import Application

    assert Application.objects.count() == 20_000  # a big input: the plan is chosen for it
    dict(STATES)[state]()
    found = {name: plan_problems(queryset) for name, queryset in _releases().items()}
    assert found == {name: [] for name in found}, state


def test_the_check_catches_a_not_exists_filter(seeded):
    """Control: the consent filter as it was (NOT EXISTS correlated with the row) plans a
    nested-loop anti-join once a bad estimate makes nested loops look cheapest."""
    from applications.models import Application
    from consent.models import Narrowing

    denied = Narrowing.objects.filter(business_id=OuterRef("business_id"), data_class=1, recipient=4).filter(
        Q(purpose__isnull=True) | Q(purpose=1))
    old_style = Application.objects.filter(~Exists(denied)).values_list("pk", "business__name")
    _only_nested_loops()
    assert "Nested Loop Anti join" in plan_problems(old_style)
