"""CSV files for people in Japan (api.md, "Files for people"): UTF-8 with a byte-order
mark by default, so that Excel opens it as UTF-8 rather than garbling it as Shift_JIS;
`?encoding=cp932` for Shift_JIS (Windows code page 932) for older tools. The header row
is never changed here: the contract fixes it.

Shift_JIS cannot hold every character (𠮷, emoji): such a character becomes "?" rather
than failing a download half-way; the UTF-8 file always holds the exact text."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

UTF8_BOM = "\ufeff"
CP932_NAMES = {"cp932", "shift_jis", "shift-jis", "sjis", "windows-31j", "ms932"}


def csv_encoding(params: Mapping[str, Any]) -> str:
    """The encoding a download asked for: "cp932" or "utf-8" (the default)."""
    value = str(params.get("encoding", "") or "").strip().lower()
    return "cp932" if value in CP932_NAMES else "utf-8"


def content_type(encoding: str) -> str:
    return "text/csv; charset=Shift_JIS" if encoding == "cp932" else "text/csv; charset=utf-8"


def encode_text(text: str, encoding: str, *, first: bool) -> bytes:
    """One piece of the file as bytes; the first piece of a UTF-8 file carries the BOM."""
    if encoding == "cp932":
        return text.encode("cp932", errors="replace")
    return ((UTF8_BOM if first else "") + text).encode("utf-8")


def encode_stream(pieces: Iterable[str], encoding: str) -> Iterator[bytes]:
    first = True
    for piece in pieces:
        yield encode_text(piece, encoding, first=first)
        first = False
