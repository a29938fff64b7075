"""What the project's AST lints share: a finding, the files they read, the command line.

scripts/lint_status.py and scripts/lint_oneway.py import it (scripts/ is on sys.path when
a script runs; each lint puts it there when a test loads the lint by its file path).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Tests, benchmarks, scripts and migrations are not scanned: they build states and state
# codes on purpose; they do not run the portal.
SKIP_DIRS = frozenset({".venv", "venv", ".git", "node_modules", "var", "migrations", "tests", "bench", "scripts",
                       "static", "templates", "locale", "__pycache__", "docs"})


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        shown = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{shown}:{self.line}: {self.code} {self.message}"


def python_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if any(part in SKIP_DIRS for part in relative.parts[:-1]) or relative.parts[0] in SKIP_DIRS:
            continue
        yield path


def run(check: Callable[[Path], list[Finding]], argv: list[str]) -> int:
    """Check the roots named (default: the project), print the findings; 1 when any."""
    roots = [Path(a).resolve() for a in argv] or [ROOT]
    findings = [f for root in roots for f in check(root)]
    for finding in findings:
        print(finding)
    return 1 if findings else 0


def main(check: Callable[[Path], list[Finding]]) -> None:
    sys.exit(run(check, sys.argv[1:]))
