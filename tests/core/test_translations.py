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
