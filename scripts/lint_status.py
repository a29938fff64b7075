#!/usr/bin/env python
"""Status changes go through core.transitions: an AST lint over the project's apps.

STA001  `<expr>.status = ...` (also in a tuple target, augmented or annotated).
STA002  `setattr(<expr>, "status", ...)`.
STA003  `<queryset>.update(status=...)` (or `**{"status": ...}`).

core/transitions.py is the one module allowed to change a status; everywhere else
calls `transition(obj, to=...)` or `transition_many(queryset, to=...)`, which check
the model's map and record the change. Tests, benchmarks, scripts and migrations are
not scanned: they build states, they do not run lifecycles.

Usage: python scripts/lint_status.py [paths...]   (default: the project root)
Exit status 1 when anything is flagged.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lintkit import ROOT, Finding, python_files, run  # noqa: E402 - scripts/ first on the path

FIELD = "status"
ALLOWED = frozenset({Path("core/transitions.py")})


def _targets(node: ast.AST) -> Iterator[ast.AST]:
    if isinstance(node, ast.Tuple | ast.List):
        for element in node.elts:
            yield from _targets(element)
    elif isinstance(node, ast.Starred):
        yield from _targets(node.value)
    else:
        yield node


def check_source(source: str, path: Path) -> list[Finding]:
    findings: list[Finding] = []
    tree = ast.parse(source, filename=str(path))
    hint = "change a status with core.transitions.transition() / transition_many()"
    for node in ast.walk(tree):
        assigned: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            for target in node.targets:
                assigned.extend(_targets(target))
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            assigned.extend(_targets(node.target))
        for target in assigned:
            if isinstance(target, ast.Attribute) and target.attr == FIELD:
                findings.append(Finding(path, target.lineno, "STA001", f"assignment to .{FIELD}: {hint}"))
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) >= 2:
            name = node.args[1]
            if isinstance(name, ast.Constant) and name.value == FIELD:
                findings.append(Finding(path, node.lineno, "STA002", f"setattr(..., {FIELD!r}, ...): {hint}"))
        if isinstance(func, ast.Attribute) and func.attr == "update":
            for keyword in node.keywords:
                if keyword.arg == FIELD:
                    findings.append(Finding(path, node.lineno, "STA003", f".update({FIELD}=...): {hint}"))
                elif keyword.arg is None and isinstance(keyword.value, ast.Dict):
                    if any(isinstance(k, ast.Constant) and k.value == FIELD for k in keyword.value.keys):
                        findings.append(Finding(path, node.lineno, "STA003", f".update(**{{{FIELD!r}: ...}}): {hint}"))
    return findings


def check(root: Path = ROOT) -> list[Finding]:
    findings: list[Finding] = []
    for path in python_files(root):
        if path.relative_to(root) in ALLOWED:
            continue
        findings.extend(check_source(path.read_text(encoding="utf-8"), path))
    return findings


def main(argv: list[str]) -> int:
    return run(check, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
