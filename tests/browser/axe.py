"""axe-core (shipped by axe-playwright-python) run on the page a browser test has open,
at WCAG 2.2 AA: the rules tagged for levels A and AA of WCAG 2.0, 2.1 and 2.2, plus the
structure rules axe files under best practice (one <main>, one <h1>, headings in order,
content inside landmarks, named table headers).

`axe_problems(page)` returns one readable line per violated rule (rule, impact, the
first elements, what to fix), empty when the page passes."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
STRUCTURE_RULES = ["landmark-one-main", "page-has-heading-one", "heading-order", "region", "empty-table-header"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_22_AA},
    "rules": {rule: {"enabled": True} for rule in STRUCTURE_RULES},
    "resultTypes": ["violations"],
}

_axe = Axe()


def axe_violations(page) -> list[dict]:
    """The violations axe-core reports on the page as it is now."""
    return _axe.run(page, options=AXE_OPTIONS).response["violations"]


def describe(violation: dict, *, limit: int = 3) -> str:
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:limit]]
    more = len(violation["nodes"]) - len(targets)
    where = "; ".join(targets) + (f" (+{more} more)" if more > 0 else "")
    return f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])}×): {violation['help']} — {where}"


def axe_problems(page) -> list[str]:
    return [describe(v) for v in axe_violations(page)]
