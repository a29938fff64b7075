"""Issue 16: the extract streamed from COPY gives byte for byte the file of the row-by-row
writer it replaced (quoting, empty values, sole proprietors, every narrowing, both
encodings), with the same row count and digest."""

from __future__ import annotations

import datetime as dt

import pytest

from analytics.extract import _crlf, _crlf_rows, stream_extract, stream_extract_rows
from applications.models import Application, Program
from tests.analytics.factories import ApplicationFactory, narrow
from tests.factories import BusinessFactory, FinancialYearFactory, researcher

pytestmark = pytest.mark.django_db


def _both(viewer, filters=None, encoding="utf-8", chunk_bytes=256 * 1024):
    out = []
    for stream in (stream_extract_rows, stream_extract):
        finished = []
        kwargs = {"chunk_bytes": chunk_bytes} if stream is stream_extract else {}
        body = b"".join(stream(viewer=viewer, filters=filters or {}, encoding=encoding,
                               on_finish=lambda rows, digest, f=finished: f.append((rows, digest)), **kwargs))
        out.append((body, finished))
    return out


@pytest.fixture
def world():
    tricky = [
        dict(sole_proprietor=True, name='山田 "花子" 商店', address="長野県松本市1-2,3階", representative_name="山田\n花子",
             phone="0263-00-0000"),
        dict(sole_proprietor=True, name="", address="", representative_name="", phone=""),
        dict(name="株式会社,カンマ", employees=None, capital=None, industry_jsic=""),
        dict(employees=0, capital=0, offices=None, founded_year=None),
        dict(name="㈱ソフト\r\n改行", address="東京都千代田区①丁目"),
    ]
    businesses = [BusinessFactory(**kwargs) for kwargs in tricky] + [BusinessFactory() for _ in range(6)]
    for i, business in enumerate(businesses):
        FinancialYearFactory(business=business, fiscal_year=2021, gross_profit=None if i == 2 else 30_000_000 + i,
                             depreciation=1_000_000)
        ApplicationFactory(business=business, fiscal_year=2022, round_number=None if i == 3 else 2,
                           implementation_fiscal_year=None if i % 2 else 2023, adopted=i % 3 == 0, rejected=i % 3 == 1)
    ApplicationFactory(business=businesses[0], program=Program.KEIEIRYOKU_KOJO, status=Application.Status.CERTIFIED,
                       data_use_consent=True)
    narrow(businesses[6], data_class=6, recipient=4)
    narrow(businesses[7], data_class=9, recipient=4, purpose=1)
    narrow(businesses[8], data_class=10, recipient=4)
    narrow(businesses[9], data_class=1, recipient=4)
    return businesses


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
def test_copy_stream_is_byte_identical_to_the_row_writer(world, encoding):
    viewer = researcher(approved=True, approved_until=dt.date.today() + dt.timedelta(days=30))
    (old, old_finished), (new, new_finished) = _both(viewer, encoding=encoding)
    assert old.count(b"\r\n") >= 11  # header and the rows: the comparison is not of two empty files
    assert new == old
    assert new_finished == old_finished and old_finished[0][0] == 11


def test_small_chunks_and_filters_give_the_same_bytes(world):
    viewer = researcher(approved=True, approved_until=dt.date.today() + dt.timedelta(days=30))
    (old, old_finished), (new, new_finished) = _both(viewer, chunk_bytes=50)
    assert new == old and new_finished == old_finished
    (old, _f1), (new, _f2) = _both(viewer, filters={"fiscal_year": 2022, "program": "jizokuka_general", "prefecture": "13"})
    assert new == old


def test_nobody_but_an_approved_researcher_gets_rows(world):
    viewer = researcher(approved=False)
    (old, old_finished), (new, new_finished) = _both(viewer)
    assert new == old and new_finished[0][0] == 0


def test_the_crlf_shortcut_leaves_a_line_break_inside_a_value_alone():
    """_crlf_rows replaces every LF when there is one per row, else splits at the quotes
    (_crlf): both give the same bytes, and a LF inside a quoted value stays a bare LF."""
    rows = [b'1,"a ""b""",c\n', b'2,"x\ny",z\n', b'3,,\n', b'"4\r\n",q\n']
    for chosen in ([rows[0]], [rows[2]], [rows[0], rows[2]], [rows[1]], rows):
        data = b"".join(chosen)
        assert _crlf_rows(data, len(chosen)) == _crlf(data, False)[0]
    assert _crlf_rows(rows[1], 1) == b'2,"x\ny",z\r\n'
    assert _crlf_rows(rows[0] + rows[2], 2) == b'1,"a ""b""",c\r\n3,,\r\n'
