"""Django's catalogues share one namespace: the project's locale/ wins, then the first app in
INSTALLED_APPS that translates a message id wins for every app. So one (msgctxt, msgid) must mean
one thing: two apps translating "Website" differently (ウェブサイト関連費 for an expense
category, ウェブサイト for an institution's site) showed one of them in the other's pages. Where
the meaning differs, the call sites give a context (pgettext, {% translate "…" context "…" %});
where it is a synonym, every catalogue says the same.

Also: what the running portal says is what the catalogues say (a library's catalogue that comes
first in INSTALLED_APPS, or a stale .mo, would override it), the compiled catalogues are those of
the .po files, and every message in the source has a Japanese translation in its owner's catalogue."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "var", "node_modules", ".git", "tests", "bench", "scripts", "migrations", "static"}
LANGUAGES = ("ja", "en")


def _catalogues(lang: str) -> list[Path]:
    return sorted(
        po for po in ROOT.glob(f"**/locale/{lang}/LC_MESSAGES/django.po")
        if not SKIP.intersection(po.relative_to(ROOT).parts)
    )


def _owner(po: Path) -> str:
    """`locale` for the project catalogue, else the app's directory."""
    return po.relative_to(ROOT).parts[0]


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def _translation(entry: polib.POEntry) -> str | tuple[str, ...]:
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
    return entry.msgstr


def _translated(entry: polib.POEntry) -> bool:
    text = _translation(entry)
    return bool(all(text) if isinstance(text, tuple) else text) and "fuzzy" not in entry.flags


def conflicts(paths: list[Path]) -> dict[tuple[str | None, str], dict[str | tuple[str, ...], list[str]]]:
    """(msgctxt, msgid) → {translation: [catalogues]} for every message translated two ways."""
    seen: dict[tuple[str | None, str], dict[str | tuple[str, ...], list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in paths:
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not _translated(entry):
                continue
            seen[(entry.msgctxt, entry.msgid)][_translation(entry)].append(_name(path))
    return {key: dict(found) for key, found in seen.items() if len(found) > 1}


def _describe(found: dict) -> str:
    lines = []
    for (context, msgid), translations in sorted(found.items(), key=lambda item: (item[0][1], item[0][0] or "")):
        lines.append(f"{msgid!r}" + (f" (context {context!r})" if context else ""))
        lines.extend(f"    {text!r}: {', '.join(where)}" for text, where in translations.items())
    return "\n".join(lines)


def test_every_app_and_the_project_have_catalogues_in_both_languages():
    for lang in LANGUAGES:
        owners = {_owner(po) for po in _catalogues(lang)}
        assert {"locale", "applications", "institutions", "analytics"} <= owners


@pytest.mark.parametrize("lang", LANGUAGES)
def test_one_message_has_one_translation_across_catalogues(lang):
    found = conflicts(_catalogues(lang))
    assert not found, (f"{len(found)} message(s) translated differently in different catalogues; give the call "
                       f"sites a context where the meaning differs, else use one translation:\n{_describe(found)}")


def _write_po(path: Path, entries: list[tuple[str | None, str, str]]) -> Path:
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "ja"}
    for context, msgid, msgstr in entries:
        catalogue.append(polib.POEntry(msgctxt=context, msgid=msgid, msgstr=msgstr))
    path.parent.mkdir(parents=True, exist_ok=True)
    catalogue.save(str(path))
    return path


def test_the_check_finds_a_message_translated_two_ways_and_accepts_contexts(tmp_path):
    applications = _write_po(tmp_path / "applications.po", [(None, "Website", "ウェブサイト関連費"), (None, "Save", "保存")])
    institutions = _write_po(tmp_path / "institutions.po", [(None, "Website", "ウェブサイト"), (None, "Save", "保存"),
                                                            (None, "Sent", "")])
    found = conflicts([applications, institutions])
    assert list(found) == [(None, "Website")]
    assert sorted(found[(None, "Website")]) == ["ウェブサイト", "ウェブサイト関連費"]
    fixed = _write_po(tmp_path / "applications.po", [("expense category", "Website", "ウェブサイト関連費")])
    assert conflicts([fixed, institutions]) == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_running_portal_says_what_the_catalogues_say(lang):
    """A catalogue earlier in the lookup (django.contrib.admin, allauth, rest_framework come
    before our apps in INSTALLED_APPS) or a stale compiled file would show other words."""
    from django.utils.translation import trans_real

    translation = trans_real.translation(lang)
    wrong = []
    for path in _catalogues(lang):
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not _translated(entry):
                continue
            if entry.msgid_plural:
                shown = (translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1) if entry.msgctxt
                         else translation.ngettext(entry.msgid, entry.msgid_plural, 1))
                wanted = _translation(entry)[0]
            else:
                shown = translation.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else translation.gettext(entry.msgid)
                wanted = entry.msgstr
            if shown != wanted:
                wrong.append(f"{path.relative_to(ROOT)}: {entry.msgid!r} shows {shown!r}, the catalogue says {wanted!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogues_are_those_of_the_sources(lang):
    """scripts/compile_messages.py (make messages) was run after the last edit of every .po."""
    stale = []
    for path in _catalogues(lang):
        compiled = path.with_suffix(".mo")
        if not compiled.exists():
            stale.append(f"{compiled.relative_to(ROOT)} missing")
            continue
        source = {(e.msgctxt, e.msgid): _translation(e) for e in polib.pofile(str(path)) if not e.obsolete and _translated(e)}
        built = {(e.msgctxt, e.msgid): _translation(e) for e in polib.mofile(str(compiled)) if e.msgid}
        if source != built:
            stale.append(f"{compiled.relative_to(ROOT)}: {len(set(source.items()) ^ set(built.items()))} entries differ")
    assert not stale, "run scripts/compile_messages.py:\n" + "\n".join(stale)


# --- every message in the source is in its owner's Japanese catalogue -----------------------------

FUNCTIONS = {  # name → (index of the context, index of the message id); None: no context
    "_": (None, 0), "gettext": (None, 0), "gettext_lazy": (None, 0), "gettext_noop": (None, 0),
    "ngettext": (None, 0), "ngettext_lazy": (None, 0),
    "pgettext": (0, 1), "pgettext_lazy": (0, 1), "npgettext": (0, 1), "npgettext_lazy": (0, 1),
}
PROJECT_PARTS = {"core", "mirasapo", "templates"}


def _messages_in_call(call: ast.Call) -> tuple[str | None, str] | None:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    if name not in FUNCTIONS:
        return None
    context_at, msgid_at = FUNCTIONS[name]
    args = call.args
    literal = [isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args]
    if len(args) <= msgid_at or not literal[msgid_at] or (context_at is not None and not literal[context_at]):
        return None
    context = args[context_at].value if context_at is not None else None  # type: ignore[attr-defined]
    return context, args[msgid_at].value  # type: ignore[attr-defined]


def python_messages(source: str) -> set[tuple[str | None, str]]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and (message := _messages_in_call(node)) and message[1]:
            found.add(message)
    return found


CALL_START = re.compile(r"\b(?:gettext|pgettext|ngettext|npgettext)\(")


def template_messages(source: str) -> set[tuple[str | None, str]]:
    """The messages of a template, read as makemessages reads them (Django's templatize)."""
    from django.utils.translation.template import templatize

    text = templatize(source)
    found = set()
    for start in CALL_START.finditer(text):
        end = start.end()
        while (end := text.find(")", end) + 1) > 0:
            try:
                node = ast.parse(text[start.start():end], mode="eval").body
            except SyntaxError:
                continue
            if isinstance(node, ast.Call) and (message := _messages_in_call(node)) and message[1]:
                found.add(message)
            break
    return found


def _owner_of(path: Path) -> str:
    first = path.relative_to(ROOT).parts[0]
    return "locale" if first in PROJECT_PARTS else first


def source_messages() -> dict[str, dict[tuple[str | None, str], str]]:
    """owner → {(msgctxt, msgid): first place it is used}."""
    owners = {_owner(po) for po in _catalogues("ja")}
    messages: dict[str, dict[tuple[str | None, str], str]] = defaultdict(dict)
    for path in sorted(ROOT.glob("**/*")):
        parts = path.relative_to(ROOT).parts
        if SKIP.intersection(parts) or "locale" in parts or not path.is_file() or _owner_of(path) not in owners:
            continue
        if path.suffix == ".py":
            found = python_messages(path.read_text(encoding="utf-8"))
        elif "templates" in parts and path.suffix in {".html", ".txt"}:
            found = template_messages(path.read_text(encoding="utf-8"))
        else:
            continue
        for message in found:
            messages[_owner_of(path)].setdefault(message, str(path.relative_to(ROOT)))
    return messages


def test_the_extraction_reads_python_and_templates():
    python = python_messages('from django.utils.translation import gettext_lazy as _, pgettext_lazy\n'
                             'A = _("Plain")\nB = pgettext_lazy("expense category", "Website")\nC = _(name)\n')
    assert python == {(None, "Plain"), ("expense category", "Website")}
    template = template_messages('{% load i18n %}<p>{% translate "Save" %}</p><td data-label="{% translate \'Size\' '
                                 'context \'file\' %}"></td>{% blocktranslate with n=x %}Page {{ n }}{% endblocktranslate %}')
    assert template == {(None, "Save"), ("file", "Size"), (None, "Page %(n)s")}


def test_every_message_in_the_source_is_translated_in_japanese():
    """A message missing from its owner's catalogue is shown in English to Japanese users
    (re-run makemessages for that app and translate the new entries)."""
    missing = []
    for owner, messages in sorted(source_messages().items()):
        path = ROOT / ("locale" if owner == "locale" else f"{owner}/locale") / "ja/LC_MESSAGES/django.po"
        translated = {(e.msgctxt, e.msgid) for e in polib.pofile(str(path)) if not e.obsolete and _translated(e)}
        missing.extend(f"{where}: {msgid!r}" + (f" (context {context!r})" if context else "")
                       for (context, msgid), where in sorted(messages.items(), key=lambda item: item[1])
                       if (context, msgid) not in translated)
    assert not missing, f"{len(missing)} message(s) without a Japanese translation:\n" + "\n".join(missing)
