"""The research extract (api.md, seed 003 ※5): one CSV row per application, streamed from a
server-side cursor so that a million rows need no more memory than ten.

Consent: the rows and their columns are released through the set-based projection
(`consent.projection.release_rows`, purpose 1, the viewer; one query):
- only approved researchers (recipient 4's per-viewer condition; the API answers others 403
  first, and the projection gives anyone else no rows);
- procedures only where the applicant ticked the data-use consent;
- a business that denies class 1 (purpose 1, recipient 4) has no rows;
- classes 6, 9 and 10 are NULL (empty) per row where the business denies them;
- only the ※5 items (consent.registry.RESEARCH_ITEMS; the header is
  consent.registry.RESEARCH_EXTRACT_COLUMNS). The four sole-proprietor identity fields are
  empty for a 法人 and the 法人番号 is empty for a sole proprietor (who has none).

`released_extract(viewer=, filters=)` returns the released query; its
`sql_with_params()` is the SQL a COPY … TO STDOUT can run unchanged.

`value_added` is ※5's 付加価値額 as the seed lists it: 粗利 (gross profit) + 減価償却費
(depreciation) of that year (applications.rules.value_added); empty when either is missing.

Financial fields are those of the fiscal year before the application's fiscal year (the last
closed year when applying), joined once (FilteredRelation), not per row.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator

from django.db import transaction
from django.db.models import F, FilteredRelation, Q

from applications import rules
from applications.models import Application
from companies.models import Business
from consent.access import PURPOSE_EBPM, RESEARCHERS, viewer_recipient
from consent.projection import Column, ReleasedRows, release_rows
from consent.registry import RESEARCH_EXTRACT_COLUMNS
from core import csv_files

from .dashboard import EXCLUDED_STATUSES

HEADER = [name for name, _class in RESEARCH_EXTRACT_COLUMNS]
CLASS_OF = dict(RESEARCH_EXTRACT_COLUMNS)
CHUNK_SIZE = 5000


# What the query reads, in the order extract_row takes it; the classes come from the registry.
COLUMNS = [
    Column(name, lookup) for name, lookup in (
        ("corp_type", "business__corp_type"), ("corporate_number", "business__corporate_number"),
        ("name", "business__name"), ("address", "business__address"),
        ("representative_name", "business__representative_name"), ("phone", "business__phone"),
        ("employees", "business__employees"), ("capital", "business__capital"), ("offices", "business__offices"),
        ("founded_year", "business__founded_year"), ("prefecture", "business__prefecture"),
        ("industry_jsic", "business__industry_jsic"),
        ("sales", "pre_fy__sales"), ("ordinary_profit", "pre_fy__ordinary_profit"),
        ("gross_profit", "pre_fy__gross_profit"), ("depreciation", "pre_fy__depreciation"),
        ("review_result", "review_result"), ("review_score", "review_score"), ("program", "program"),
        ("fiscal_year", "fiscal_year"), ("implementation_fiscal_year", "implementation_fiscal_year"),
        ("round_number", "round_number"),
    )
]


def released_extract(*, viewer, filters: dict) -> ReleasedRows:
    """The extract as the projection releases it to this viewer (see the module docstring)."""
    qs = Application.objects.exclude(status__in=EXCLUDED_STATUSES)
    if filters.get("fiscal_year"):
        qs = qs.filter(fiscal_year=filters["fiscal_year"])
    if filters.get("program"):
        qs = qs.filter(program=filters["program"])
    if filters.get("prefecture"):
        qs = qs.filter(business__prefecture=filters["prefecture"])
    qs = qs.annotate(
        pre_fy=FilteredRelation("business__financials", condition=Q(business__financials__fiscal_year=F("fiscal_year") - 1)),
    ).order_by("id")
    return release_rows(qs, viewer=viewer, purpose=PURPOSE_EBPM, columns=COLUMNS, require=(1,))


def extract_queryset(*, viewer, filters: dict):
    """The rows this viewer may receive (tuples in the order of COLUMNS): the projection
    derives the recipient from the viewer and checks the researcher's approved pledge
    itself, so anyone else gets no rows (the API answers them 403 first)."""
    if viewer_recipient(viewer) != RESEARCHERS:
        return Application.objects.none().values_list("pk")
    return released_extract(viewer=viewer, filters=filters).queryset


def _blank(value) -> str | int:
    return "" if value is None else value


def extract_row(values: tuple) -> list:
    (corp_type, corporate_number, name, address, representative, phone, employees, capital, offices, founded_year,
     prefecture, industry, sales, ordinary_profit, gross_profit, depreciation, review_result,
     review_score, program, fiscal_year, implementation_fiscal_year, round_number) = values
    sole = corp_type == Business.CorpType.SOLE_PROPRIETOR
    # ※5 「付加価値額(粗利、減価償却費)」: gross profit + depreciation of the year (the rule module's).
    value_added = rules.value_added(gross_profit, depreciation)
    return [
        "" if sole else _blank(corporate_number),
        name if sole else "", address if sole else "", representative if sole else "", phone if sole else "",
        _blank(employees), _blank(capital), _blank(offices), _blank(founded_year), _blank(prefecture), _blank(industry),
        _blank(sales), _blank(ordinary_profit), _blank(value_added),
        _blank(review_result), _blank(review_score),
        _blank(program), _blank(fiscal_year), _blank(implementation_fiscal_year), _blank(round_number),
    ]


class _Line:
    """A file-like object csv.writer writes one line into."""

    def __init__(self):
        self.value = ""

    def write(self, text: str) -> None:
        self.value = text


def stream_extract_rows(*, viewer, filters: dict, on_finish, encoding: str = "utf-8") -> Iterator[bytes]:
    """The extract formatted row by row in Python (the reference stream_extract is compared
    with in the tests). Yield the CSV in chunks of bytes from a server-side cursor inside one read
    transaction (a consistent snapshot); hash as it goes; call on_finish(rows, sha256)
    after the last byte, outside that transaction. UTF-8 starts with a BOM, or the file
    is cp932 (core.csv_files); the digest is of the bytes sent."""
    line = _Line()
    writer = csv.writer(line, lineterminator="\r\n")
    digest = hashlib.sha256()
    rows = 0
    writer.writerow(HEADER)
    head = csv_files.encode_text(line.value, encoding, first=True)
    digest.update(head)
    yield head
    with transaction.atomic():
        buffer: list[str] = []
        for values in extract_queryset(viewer=viewer, filters=filters).iterator(chunk_size=CHUNK_SIZE):
            writer.writerow(extract_row(values))
            buffer.append(line.value)
            rows += 1
            if len(buffer) >= 1000:
                chunk = csv_files.encode_text("".join(buffer), encoding, first=False)
                digest.update(chunk)
                buffer.clear()
                yield chunk
        if buffer:
            chunk = csv_files.encode_text("".join(buffer), encoding, first=False)
            digest.update(chunk)
            yield chunk
    on_finish(rows, digest.hexdigest())


# --- the extract as COPY (issue 16) ---------------------------------------------------------
#
# The same rows, formatted by PostgreSQL and streamed with COPY … TO STDOUT (FORMAT csv): no
# Python object per value, and PostgreSQL's own CSV writer (C) does the quoting rather than
# an SQL expression per column (which cost ~40 % more than the query itself). The SQL is
# extract_queryset's (consent as consent.projection builds it), wrapped in one SELECT that
# gives each value as csv.writer writes it above. Two differences between PostgreSQL's CSV
# and csv.writer's are bridged:
# - an empty string: PostgreSQL quotes it ("") to tell it from NULL; csv.writer writes it
#   empty like None. Text columns go through NULLIF(value, '') so both arrive empty;
# - the line end: PostgreSQL ends a row with LF, csv.writer with CRLF. The stream turns each
#   LF outside quotes into CRLF (_crlf); a LF or CR inside a value is always quoted by both
#   writers and stays as it is.
# Both quote a value holding the delimiter, a quote, CR or LF, and double a quote inside.

_COLUMNS = ["corp_type", "corporate_number", "name", "address", "representative_name", "phone", "employees", "capital",
            "offices", "founded_year", "prefecture", "industry_jsic", "sales", "ordinary_profit", "gross_profit", "depreciation",
            "review_result", "review_score", "program", "fiscal_year", "implementation_fiscal_year", "round_number",
            "row_id"]


def _text(column: str) -> str:
    """A text value: NULL and "" both arrive empty (unquoted), as csv.writer writes them."""
    return f"NULLIF(t.{column}, '')"


def _when(condition: str, value: str) -> str:
    return f"CASE WHEN {condition} THEN {value} END"


def extract_copy_sql(*, viewer, filters: dict) -> tuple[str, list]:
    """The COPY statement of the extract and its parameters."""
    from django.db.models import F as _F

    inner = extract_queryset(viewer=viewer, filters=filters)
    fields = list(inner._fields) if getattr(inner, "_fields", None) else []
    if fields:
        inner = inner.annotate(row_id=_F("id")).values_list(*fields, "row_id")
    sql, params = inner.query.sql_with_params()
    sole = f"t.corp_type = {int(Business.CorpType.SOLE_PROPRIETOR)}"
    values = ", ".join([
        _when(f"NOT ({sole})", _text("corporate_number")),
        _when(sole, _text("name")), _when(sole, _text("address")), _when(sole, _text("representative_name")),
        _when(sole, _text("phone")),
        "t.employees", "t.capital", "t.offices", "t.founded_year", _text("prefecture"), _text("industry_jsic"),
        "t.sales", "t.ordinary_profit",
        "t.gross_profit::numeric + t.depreciation",  # rules.value_added
        _text("review_result"), "t.review_score",
        _text("program"), "t.fiscal_year", "t.implementation_fiscal_year", "t.round_number",
    ])
    select = f"SELECT {values} FROM ({sql}) AS t({', '.join(_COLUMNS)}) ORDER BY t.row_id"
    return f"COPY ({select}) TO STDOUT WITH (FORMAT csv)", list(params)


def _crlf_rows(data: bytes, rows: int) -> bytes:
    """`data`, `rows` whole rows of PostgreSQL's CSV, with every row's LF made CRLF. Each row
    ends with its LF; when `data` holds no other LF (no value has one: the usual case) a plain
    replace does it, without splitting every row at its quotes (_crlf, 4x the cost)."""
    if data.count(b"\n") == rows:
        return data.replace(b"\n", b"\r\n")
    return _crlf(data, False)[0]


def _crlf(data: bytes, inside: bool) -> tuple[bytes, bool]:
    """`data` of PostgreSQL's CSV with every row's LF made CRLF; `inside` says whether `data`
    starts inside a quoted value (returned for the next piece). A quote toggles the state
    (a doubled quote toggles twice), so the pieces between quotes alternate outside, inside."""
    parts = data.split(b'"')
    first = 1 if inside else 0
    parts[first::2] = [part.replace(b"\n", b"\r\n") for part in parts[first::2]]
    return b'"'.join(parts), inside != (len(parts) % 2 == 0)


def stream_extract(*, viewer, filters: dict, on_finish, encoding: str = "utf-8", chunk_bytes: int = 256 * 1024) -> Iterator[bytes]:
    """Yield the CSV in chunks of about `chunk_bytes` (whole rows), streamed from COPY inside one read
    transaction (a consistent snapshot); hash as it goes; call on_finish(rows, sha256) after
    the last byte, outside that transaction. The bytes are those of stream_extract_rows
    (tests compare them); memory stays at one chunk whatever the number of rows."""
    from django.db import connections
    from psycopg import ClientCursor

    line = _Line()
    csv.writer(line, lineterminator="\r\n").writerow(HEADER)
    digest = hashlib.sha256()
    head = csv_files.encode_text(line.value, encoding, first=True)
    digest.update(head)
    yield head
    if viewer_recipient(viewer) != RESEARCHERS:
        on_finish(0, digest.hexdigest())
        return
    from django.core.exceptions import EmptyResultSet

    alias = extract_queryset(viewer=viewer, filters=filters).db
    connection = connections[alias]
    with transaction.atomic(using=alias):
        try:
            copy_sql, params = extract_copy_sql(viewer=viewer, filters=filters)
        except EmptyResultSet:  # the consent rules leave this viewer no rows at all
            copy_sql = None
    if copy_sql is None:
        on_finish(0, digest.hexdigest())
        return

    def finished(pieces: list[bytes]) -> bytes:
        # Whole rows: PostgreSQL sends each row of COPY OUT as one CopyData message (the
        # protocol's documented behaviour), so a chunk never starts inside a quoted value
        # and, for cp932, never splits a character.
        chunk = _crlf_rows(b"".join(pieces), len(pieces))
        if encoding != "utf-8":
            chunk = csv_files.encode_text(chunk.decode("utf-8"), encoding, first=False)
        digest.update(chunk)
        return chunk

    with transaction.atomic(using=alias):
        connection.ensure_connection()
        raw = connection.connection
        statement = ClientCursor(raw).mogrify(copy_sql, params) if params else copy_sql
        pieces: list[bytes] = []
        append = pieces.append
        # Rows of this extract are ~150 bytes: count rows, not bytes, in the per-row loop
        # (it runs a million times; psycopg's own read is most of its cost).
        rows_per_chunk = max(1, chunk_bytes // 128)
        with raw.cursor() as cursor:
            with cursor.copy(statement) as copy:
                for data in copy:
                    # Copied at once: psycopg hands each row as a memoryview of libpq's own
                    # buffer, and holding a chunk's thousands of them (freed together later)
                    # cost more than twice the whole read; a small bytes object is cheap.
                    append(bytes(data))
                    if len(pieces) >= rows_per_chunk:
                        yield finished(pieces)
                        pieces.clear()
            copied = cursor.rowcount  # COPY's own row count ("COPY n"), set once the copy ends
        if pieces:
            yield finished(pieces)
    on_finish(max(copied, 0), digest.hexdigest())
