"""Reading CSV files as they come from Japanese offices into raw records with line numbers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from .models import RecordKind
from .normalise import decode_file
from .records import FIELD_LABELS, header_field


@dataclass
class ParsedFile:
    kind: str = ""
    encoding: str = ""
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (line number, raw record)
    file_errors: list[str] = field(default_factory=list)
    # line number → {field: [messages]} for problems found while reading (before cleaning)
    row_errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)


def read_csv(data: bytes, *, kind: str | None = None) -> ParsedFile:
    parsed = ParsedFile()
    try:
        text, parsed.encoding = decode_file(data)
    except UnicodeDecodeError:
        parsed.file_errors.append(_("The file could not be read. Save it as CSV in UTF-8 or Shift_JIS."))
        return parsed
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        parsed.file_errors.append(_("The file is empty."))
        return parsed
    except csv.Error:
        parsed.file_errors.append(_("The file is not a valid CSV file."))
        return parsed
    columns = [header_field(h) for h in header]
    parsed.ignored_columns = [h for h, f in zip(header, columns, strict=True) if f is None and h.strip()]
    if "record_id" not in columns:
        parsed.file_errors.append(_("The file has no column for the record id (管理番号)."))
    parsed.kind = kind or _detect_kind(columns)
    if not parsed.kind:
        parsed.file_errors.append(_("Choose the kind of records: the columns do not tell."))
    elif parsed.kind not in RecordKind.values:
        parsed.file_errors.append(_("Unknown kind of record. Use “financials” or “support_records”."))
    if parsed.file_errors:
        return parsed

    seen_ids: dict[str, int] = {}
    line = 1
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            parsed.row_errors[start] = {"row": [_("This line is not valid CSV: %(error)s") % {"error": exc}]}
            line = reader.line_num
            continue
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(columns):
            parsed.row_errors[start] = {"row": [_("This line has %(found)d columns; the header has %(expected)d.") % {
                "found": len(row), "expected": len(columns)}]}
            continue
        raw = {f: cell for f, cell in zip(columns, row, strict=False) if f is not None}
        record_id = (raw.get("record_id") or "").strip()
        if record_id and record_id in seen_ids:
            parsed.row_errors[start] = {"record_id": [_("This record id also appears on line %(line)d.") % {
                "line": seen_ids[record_id]}]}
            continue
        if record_id:
            seen_ids[record_id] = start
        parsed.rows.append((start, raw))
    if not parsed.rows and not parsed.row_errors:
        parsed.file_errors.append(_("The file has a header but no records."))
    return parsed


def _detect_kind(columns: list[str | None]) -> str:
    if "kind" in columns:
        return ""  # per-row kinds are not supported in files; the caller must choose
    if "fiscal_year" in columns:
        return RecordKind.FINANCIALS
    if "supported_on" in columns or "theme" in columns:
        return RecordKind.SUPPORT_RECORDS
    return ""


def field_label(name: str) -> str:
    """The translated label of a record field, for error reports."""
    from companies.models import FinancialYear

    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    if name == "row":
        return _("line")
    try:
        found = FinancialYear._meta.get_field(name)
        return str(found.verbose_name) if isinstance(found, models.Field) else name
    except Exception:  # noqa: BLE001 - any other name is shown as is
        return name
