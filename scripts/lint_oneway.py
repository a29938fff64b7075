#!/usr/bin/env python
"""One way to do the small things: an AST lint over the project's apps.

NAM001  A bare code where the policy table has a name: `data_class=6`,
        `data_classes=[1, 6]`, `purpose=6`, `recipient=5` (keyword arguments, also
        `purposes=` / `recipients=`), `for data_class in (8, 10)`, `data_class == 1`,
        `recipient in (4, 5)`, `DATA_CLASSES = {"name": 1}`. Use consent.registry's class names (IDENTITY, FINANCIALS,
        …, ALL_DATA_CLASSES) and consent.access's purposes and recipients
        (PURPOSE_CONSULTATION, SUPPORT_INSTITUTIONS, …).
FRM001  A hand-copied loop that puts a service's errors on a form
        (`for name, messages in exc.errors.items(): … form.add_error(…)`, or over
        `.errors.values()` / `.errors`): call
        core.forms.add_errors_to_form(form, exc.errors).
FRM002  A hand-copied flash of a service's errors (`messages.error(request, " ".join(… exc.errors
        …))`, or a loop over `.errors` calling messages.error): call
        core.forms.flash_errors(request, exc.errors).

Tests, benchmarks, scripts and migrations are not scanned (tests state codes on
purpose: they check the table). A line may opt out with `# lint-oneway: allow <reason>`.

Usage: python scripts/lint_oneway.py [paths...]   (default: the project root)
Exit status 1 when anything is flagged.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lintkit import ROOT, Finding, python_files, run  # noqa: E402 - scripts/ first on the path

ALLOWED = {"FRM001": frozenset({Path("core/forms.py")}), "FRM002": frozenset({Path("core/forms.py")})}
ALLOW_COMMENT = re.compile(r"#\s*lint-oneway:\s*allow\s+\S")
CODE_KEYWORDS = frozenset({"data_class", "data_classes", "purpose", "purposes", "recipient", "recipients"})
CODE_NAME = re.compile(r"(^|_)(data_class(es)?|classes|purposes?|recipients?|class_codes?)$")


def _bare_codes(node: ast.AST) -> bool:
    """An int literal from 1 to 13, or a tuple/list/set literal holding one."""
    if isinstance(node, ast.Constant):
        return type(node.value) is int and 1 <= node.value <= 13
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_bare_codes(e) for e in node.elts)
    return False


def _name_of(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_error_items(node: ast.AST) -> bool:
    """`<expr>.errors`, `<expr>.errors.items()` or `<expr>.errors.values()`."""
    if isinstance(node, ast.Attribute) and node.attr == "errors":
        return True
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("items", "values")
            and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "errors")


def _is_message_error(node: ast.AST) -> bool:
    """`messages.error(...)` (django.contrib.messages)."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "error"
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "messages")


def _flashes_errors(node: ast.AST) -> bool:
    """messages.error() over `<expr>.errors`, in its arguments or in a loop over them."""
    if _is_message_error(node):
        assert isinstance(node, ast.Call)
        return any(_is_error_items(n) for arg in node.args for n in ast.walk(arg))
    if isinstance(node, ast.For) and _is_error_items(node.iter):
        return any(_is_message_error(n) for n in ast.walk(node))
    return False


def check_source(source: str, path: Path, relative: Path | None = None) -> list[Finding]:
    findings: list[Finding] = []
    lines = source.splitlines()
    tree = ast.parse(source, filename=str(path))
    names = "name it from consent.registry (classes) or consent.access (purposes, recipients)"
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in CODE_KEYWORDS and _bare_codes(keyword.value):
                    findings.append(Finding(path, keyword.value.lineno, "NAM001", f"bare code in {keyword.arg}=: {names}"))
        elif isinstance(node, ast.For | ast.comprehension):
            target = node.target
            if CODE_NAME.search(_name_of(target)) and _bare_codes(node.iter):
                findings.append(Finding(path, node.iter.lineno, "NAM001", f"bare codes for {_name_of(target)}: {names}"))
        elif isinstance(node, ast.Assign) and any(_name_of(t) == "DATA_CLASSES" for t in node.targets):
            values = node.value.values if isinstance(node.value, ast.Dict) else (
                [node.value.value] if isinstance(node.value, ast.DictComp) else [])
            if any(_bare_codes(v) for v in values):
                findings.append(Finding(path, node.lineno, "NAM001", f"bare code in DATA_CLASSES: {names}"))
        elif isinstance(node, ast.Compare):
            named = [node.left, *node.comparators]
            if any(CODE_NAME.search(_name_of(n)) for n in named) and any(_bare_codes(n) for n in named):
                findings.append(Finding(path, node.lineno, "NAM001", f"a bare code compared with a class, purpose or recipient: {names}"))
        if isinstance(node, ast.For) and _is_error_items(node.iter):
            if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "add_error"
                   for n in ast.walk(node)):
                if relative not in ALLOWED["FRM001"]:
                    findings.append(Finding(path, node.lineno, "FRM001",
                                            "errors copied onto a form by hand: use core.forms.add_errors_to_form"))
        if relative not in ALLOWED["FRM002"] and _flashes_errors(node):
            findings.append(Finding(path, node.lineno, "FRM002",
                                    "errors flashed by hand: use core.forms.flash_errors"))
    return [f for f in findings if not (0 < f.line <= len(lines) and ALLOW_COMMENT.search(lines[f.line - 1]))]


def check(root: Path = ROOT) -> list[Finding]:
    findings: list[Finding] = []
    for path in python_files(root):
        relative = path.relative_to(root)
        findings.extend(check_source(path.read_text(encoding="utf-8"), path, relative))
    return findings


def main(argv: list[str]) -> int:
    return run(check, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
