"""Every Japanese catalogue in the repository is complete: no untranslated or fuzzy entry,
and the named placeholders of each translation match its message id."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "var", "node_modules", ".git"}
CATALOGUES = sorted(
    po for po in ROOT.glob("**/locale/ja/LC_MESSAGES/django.po") if not SKIP.intersection(po.relative_to(ROOT).parts)
)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


def test_the_project_and_accounts_catalogues_exist():
    found = {str(po.relative_to(ROOT)) for po in CATALOGUES}
    assert {"locale/ja/LC_MESSAGES/django.po", "accounts/locale/ja/LC_MESSAGES/django.po"} <= found


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_japanese_catalogue_is_complete(path):
    catalogue = polib.pofile(str(path))
    untranslated = [e.msgid for e in catalogue.untranslated_entries() if not e.obsolete]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries() if not e.obsolete]
    assert not untranslated, f"{path}: untranslated {untranslated}"
    assert not fuzzy, f"{path}: fuzzy {fuzzy}"
    mismatched = []
    for entry in catalogue.translated_entries():
        wanted = set(PLACEHOLDER.findall(entry.msgid))
        if entry.msgid_plural:
            # Japanese has one plural form, which may name the count the singular omits.
            wanted |= set(PLACEHOLDER.findall(entry.msgid_plural))
            translations = list(entry.msgstr_plural.values())
        else:
            translations = [entry.msgstr]
        for text in translations:
            found = set(PLACEHOLDER.findall(text))
            if found != wanted and not (entry.msgid_plural and found == wanted - {"counter"}):
                mismatched.append(entry.msgid)
    assert not mismatched, f"{path}: placeholders differ in {mismatched}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_english_catalogue_exists_beside_it(path):
    assert (path.parents[2] / "en" / "LC_MESSAGES" / "django.po").exists()


def _eager_gettext_at_import(path: Path) -> list[int]:
    """Lines where a module or class body calls gettext (not gettext_lazy) at import time."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    eager = {
        alias.asname or alias.name
        for node in tree.body if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names if alias.name in {"gettext", "ngettext", "pgettext", "npgettext"}
    }
    found: list[int] = []

    def calls(node):
        if isinstance(node, ast.Lambda | ast.FunctionDef | ast.AsyncFunctionDef):
            return  # runs when called, not at import
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in eager:
            found.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            calls(child)

    def visit(body):
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for default in [*node.args.defaults, *node.args.kw_defaults, *node.decorator_list]:
                    if default is not None:
                        calls(default)  # evaluated when the module is imported
            elif isinstance(node, ast.ClassDef):
                visit(node.body)
            elif not isinstance(node, ast.Lambda):
                for sub in ast.iter_child_nodes(node):
                    if not isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                        calls(sub)

    if eager:
        visit(tree.body)
    return found


PROJECT_MODULES = sorted(
    path for path in ROOT.glob("*/**/*.py")
    if not SKIP.intersection(path.relative_to(ROOT).parts)
    and not {"tests", "migrations", "bench", "scripts"}.intersection(path.relative_to(ROOT).parts)
)


def test_no_module_translates_at_import_time():
    """gettext at module or class level freezes the text in the language of the first
    request; such constants use gettext_lazy."""
    offenders = [f"{path.relative_to(ROOT)}:{line}" for path in PROJECT_MODULES for line in _eager_gettext_at_import(path)]
    assert offenders == []


def test_the_import_time_check_finds_an_eager_call(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from django.utils.translation import gettext as _\nTITLE = _('x')\n"
                      "class A:\n    label = _('y')\n"
                      "def f(msg=_('z')):\n    return _('fine at call time')\n", encoding="utf-8")
    assert _eager_gettext_at_import(sample) == [2, 4, 5]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_citation_of_the_source_notes_in_text_shown_to_users(path):
    """Users read rules, not "seed 003 §4" nor a bare "(§10)" that names no document: a page
    links to the call's guideline instead."""
    cited = re.compile(r"seed 00\d|参考資料 ?§|§ ?\d", re.IGNORECASE)
    catalogue = polib.pofile(str(path))
    offenders = [e.msgid for e in catalogue if not e.obsolete and (cited.search(e.msgid) or cited.search(e.msgstr))]
    assert offenders == []
