#!/usr/bin/env python
"""Compile every .po catalogue (project and per-app) with Python only (no GNU gettext
needed at run time): django's compilemessages needs msgfmt, which a fresh machine lacks."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "var", "node_modules", ".git"}


def compile_po(po_path: Path) -> None:
    import polib  # noqa: PLC0415

    catalogue = polib.pofile(str(po_path))
    catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))


def main() -> int:
    count = 0
    for po in ROOT.rglob("locale/*/LC_MESSAGES/*.po"):
        if SKIP.intersection(po.relative_to(ROOT).parts):
            continue
        compile_po(po)
        count += 1
    print(f"    compiled {count} catalogue(s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
