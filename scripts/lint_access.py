#!/usr/bin/env python
"""Make going around consent fail: an AST lint over the project's apps.

Every release of business data goes through consent.projection (project() for a record
or document, release_rows()/rows_released() for sets of rows), built on the decision of
consent.access, inside a selector or service; views and API views only call those. This
lint enforces the parts a machine can see:

ACC001  consent.models imported outside the consent app.
        Other apps use consent.access (reads) and consent.services (writes); the
        models are consent's own. Applies to every module of every app (not tests/,
        bench/, scripts/, migrations).

ACC002  A business data model queried directly in a view or API module.
        "View modules" are views.py, api.py and any module inside a views/ or api/
        package, outside the consent app. "Queried directly" is
          <Model>.objects / <Model>._default_manager / <Model>._base_manager
          get_object_or_404(<Model>, ...) / get_list_or_404(<Model>, ...)
        where <Model> is one of BUSINESS_DATA_MODELS below, reached through any import
        form (`from companies.models import Business`, `... as B`,
        `from companies import models as cm` → `cm.Business`, `import companies.models`
        → `companies.models.Business`). Views call a selector/service instead, which
        applies the consent decision.

ACC003  A JSON document of business data read in a view or API module:
        `<obj>.content`, `.prefill`, `.snapshot`, `.payload`, `.declined_classes`,
        `.confirmed_fields` (the JSON fields consent.registry describes item by item).
        A document holds items of many classes; releasing it means walking it with
        consent.projection.project, in a selector or service. The business's own pages
        (recipient 7) mark their lines with the allow comment below.

ACC004  A DRF ModelSerializer of a business data model, or django.forms.model_to_dict,
        in a view or API module: both serialise every field by the container's
        say-so. Serialise the projection's output instead.

ACC005  The set-based decision of consent.access (`businesses_allowing`,
        `businesses_not_denying`, `procedure_rule_q`) used outside the consent app. Sets of
        rows leave the database through the set-based projection only
        (consent.projection.release_rows / rows_released / rows_not_narrowed), which builds
        the SQL from the one decision and the registry's item classes: no channel writes
        consent SQL of its own. Applies to every module of every app.

What it cannot see (reviewers still check): related managers (`business.financials`),
querysets built elsewhere and passed in, raw SQL. tests/test_architecture.py keeps
BUSINESS_DATA_MODELS complete (every model that declares DATA_CLASSES and holds a
business's data is listed).

A line may opt out with a trailing `# lint-access: allow <reason>`; the reason is
required and shows up in review.

Usage: python scripts/lint_access.py [paths...]   (default: the project root)
Exit status 1 when anything is flagged.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# module → model class names holding a business's data (data classes 1-11 and 13).
BUSINESS_DATA_MODELS: dict[str, frozenset[str]] = {
    "companies.models": frozenset({
        "Business", "JointApplicant", "BusinessProfile", "Succession", "ContactPerson",
        "FinancialYear", "BusinessPlan", "Challenge", "RecordProvenance", "RecordChange",
    }),
    "applications.models": frozenset({"Application", "ApplicationSnapshot", "ApplicationCorrection"}),
    "institutions.models": frozenset({"SupportRecord"}),
    "documents.models": frozenset({"Document", "Attachment"}),
    "supportplans.models": frozenset({"SupportPlanRequest", "SupportPlanComment"}),
    "reviews.models": frozenset({"ReviewScore"}),
    "awards.models": frozenset({"Award", "PlanChange", "ExpenseLine", "PerformanceReport", "ProfitReport", "DueDate"}),
}
CONSENT_APP = "consent"
FORBIDDEN_MODULE = "consent.models"
QUERY_ATTRIBUTES = frozenset({"objects", "_default_manager", "_base_manager"})
SHORTCUTS = frozenset({"get_object_or_404", "get_list_or_404"})
DOCUMENT_ATTRIBUTES = frozenset({"content", "prefill", "snapshot", "payload", "declined_classes", "confirmed_fields"})
NOT_DOCUMENTS = frozenset({"response", "request", "resp", "message", "email", "mail", "form", "released", "projection"})
SKIP_DIRS = frozenset({".venv", "venv", ".git", "node_modules", "var", "migrations", "tests", "bench", "scripts",
                       "static", "templates", "locale", "__pycache__", "docs"})
ALLOW_MARK = "# lint-access: allow"
SET_DECISIONS = frozenset({"businesses_allowing", "businesses_not_denying", "procedure_rule_q"})
SET_MESSAGE = "uses consent.access.{name} outside consent; release sets through consent.projection (release_rows / rows_released)"


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        shown = self.path
        for base in (ROOT, Path.cwd()):
            if self.path.is_relative_to(base):
                shown = self.path.relative_to(base)
                break
        return f"{shown}:{self.line}: {self.code} {self.message}"


def app_of(path: Path, root: Path) -> str:
    return path.relative_to(root).parts[0]


def is_view_module(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return path.name in ("views.py", "api.py") or any(p in ("views", "api") for p in parts[1:-1])


def python_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).parts
        if len(rel) < 2 or SKIP_DIRS.intersection(rel):
            continue  # top-level scripts (manage.py) and non-app folders
        yield path


class _Checker(ast.NodeVisitor):
    def __init__(self, path: Path, root: Path, in_consent: bool, view_module: bool, lines: list[str]):
        self.path = path
        self.root = root
        self.in_consent = in_consent
        self.view_module = view_module
        self.lines = lines
        self.findings: list[Finding] = []
        self.model_names: dict[str, str] = {}  # local name → "module.Model"
        self.module_names: dict[str, str] = {}  # local name → models module (cm → companies.models)

    def _flag(self, node: ast.AST, code: str, message: str) -> None:
        line = self.lines[node.lineno - 1] if 0 < node.lineno <= len(self.lines) else ""
        if ALLOW_MARK in line and line.split(ALLOW_MARK, 1)[1].strip():
            return
        self.findings.append(Finding(self.path, node.lineno, code, message))

    # imports --------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if not self.in_consent and (alias.name == FORBIDDEN_MODULE or alias.name.startswith(FORBIDDEN_MODULE + ".")):
                self._flag(node, "ACC001", "imports consent.models; use consent.access / consent.services")
            if alias.name in BUSINESS_DATA_MODELS:
                if alias.asname:
                    self.module_names[alias.asname] = alias.name
                else:
                    self.module_names[alias.name] = alias.name  # dotted: resolved in _dotted
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level:  # relative import: resolve against the app
            app = app_of(self.path, self.root)
            module = f"{app}.{module}" if module else app
        if not self.in_consent:
            if module == FORBIDDEN_MODULE or (module == CONSENT_APP and any(a.name == "models" for a in node.names)):
                self._flag(node, "ACC001", "imports consent.models; use consent.access / consent.services")
        if not self.in_consent and module == "consent.access":
            for alias in node.names:
                if alias.name in SET_DECISIONS:
                    self._flag(node, "ACC005", SET_MESSAGE.format(name=alias.name))
        if module in BUSINESS_DATA_MODELS:
            for alias in node.names:
                if alias.name in BUSINESS_DATA_MODELS[module]:
                    self.model_names[alias.asname or alias.name] = f"{module}.{alias.name}"
        for alias in node.names:
            dotted = f"{module}.{alias.name}"
            if dotted in BUSINESS_DATA_MODELS:
                self.module_names[alias.asname or alias.name] = dotted
        self.generic_visit(node)

    # uses -----------------------------------------------------------------------------
    def _dotted(self, node: ast.AST) -> str | None:
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        parts.append(node.id)
        return ".".join(reversed(parts))

    def _model_of(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            return self.model_names.get(node.id)
        dotted = self._dotted(node)
        if dotted is None or "." not in dotted:
            return None
        prefix, name = dotted.rsplit(".", 1)
        module = self.module_names.get(prefix, prefix)
        if module in BUSINESS_DATA_MODELS and name in BUSINESS_DATA_MODELS[module]:
            return f"{module}.{name}"
        return None

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if self.view_module and any((self._dotted(b) or "").endswith("ModelSerializer") for b in node.bases):
            for item in node.body:
                if isinstance(item, ast.ClassDef) and item.name == "Meta":
                    for stmt in item.body:
                        if isinstance(stmt, ast.Assign) and any(getattr(t, "id", "") == "model" for t in stmt.targets):
                            model = self._model_of(stmt.value)
                            if model:
                                self._flag(node, "ACC004", f"ModelSerializer of {model} in a view; serialise consent.projection output")
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if not self.in_consent and node.attr in SET_DECISIONS and isinstance(node.ctx, ast.Load):
            self._flag(node, "ACC005", SET_MESSAGE.format(name=node.attr))
        if self.view_module and node.attr in DOCUMENT_ATTRIBUTES and isinstance(node.ctx, ast.Load):
            base = (self._dotted(node.value) or "").rsplit(".", 1)[-1]
            if base and base not in NOT_DOCUMENTS:
                self._flag(node, "ACC003", f"reads the document .{node.attr} in a view; release it through consent.projection.project")
        if self.view_module and node.attr in QUERY_ATTRIBUTES:
            model = self._model_of(node.value)
            if model:
                self._flag(node, "ACC002", f"queries {model} directly ({node.attr}); call a selector/service that applies consent.access")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if self.view_module and node.args:
            func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if func == "model_to_dict":
                self._flag(node, "ACC004", "model_to_dict in a view; serialise consent.projection output")
            if func in SHORTCUTS:
                model = self._model_of(node.args[0])
                if model:
                    self._flag(node, "ACC002", f"{func}({model}) in a view; call a selector that applies consent.access")
        self.generic_visit(node)


def check_file(path: Path, root: Path = ROOT) -> list[Finding]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    in_consent = app_of(path, root) == CONSENT_APP
    checker = _Checker(path, root, in_consent, is_view_module(path, root) and not in_consent, source.splitlines())
    checker.visit(tree)
    return checker.findings


def check(paths: Iterable[Path] | None = None, root: Path = ROOT) -> list[Finding]:
    findings: list[Finding] = []
    files = list(python_files(root)) if paths is None else [p.resolve() for p in paths]
    for path in files:
        findings.extend(check_file(path, root))
    return findings


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Consent access lint (rules ACC001-ACC005).")
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--root", type=Path, default=ROOT, help="the project root (default: this checkout)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    findings = check(args.paths or None, root)
    for finding in findings:
        print(finding)
    if findings:
        print(f"lint_access: {len(findings)} finding(s). See the rules at the top of scripts/lint_access.py.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
