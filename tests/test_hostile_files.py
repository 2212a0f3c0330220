"""Property-style: whatever bytes or cells a file holds, the readers end with a verdict —
loaded, quarantined (extracts), rejected or waiting (unit reports) — never an exception,
and the day's other files still load. Examples are derived from real files (a generated
extract, the reference appendices) by random damage, and from random bytes."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ingestion.loader import load_file
from ingestion.unit_report_loader import _store
from ingestion.unit_reports import ReportRejected, ReportWaiting, read_workbook
from tests.conftest import START, rows_of
from tests.workbooks import APPENDICES, build_workbook
from tthc.pipeline import ingest, settle, validate_loads
from warehouse.database import connect, ensure_schema

EXAMPLES = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
DAY = START + dt.timedelta(days=2)

cells = st.one_of(
    st.none(), st.text(max_size=40), st.integers(min_value=-10**30, max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.sampled_from(["=1/0", "=SUM(A1:A3)", "31/02/2022", "9999-12-31 23:59:59", "1e308", "-0", "٣", "\u202e",
                     "Cáº¥p phÃ©p", "\x00\x01", "a" * 5000]),
)


def writable(value):
    """openpyxl refuses to write control characters; a workbook cannot hold them either."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def damaged(data: bytes, cuts: list[tuple[int, int, bytes]]) -> bytes:
    """``data`` with spans replaced: bytes flipped, cut, inserted."""
    out = bytearray(data)
    for at, length, insert in cuts:
        at %= max(len(out), 1)
        out[at:at + length] = insert
    return bytes(out)


damage = st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 400), st.binary(max_size=60)), min_size=1, max_size=6)
counter = itertools.count(1)


@EXAMPLES
@given(kind=st.sampled_from(["bytes", "damaged_csv", "damaged_xlsx", "cells_xlsx"]), raw=st.binary(max_size=3000),
       cuts=damage, values=st.lists(st.lists(cells, min_size=1, max_size=16), min_size=1, max_size=8))
def test_no_extract_content_escapes_the_reader(landing, tmp_path, kind, raw, cuts, values):
    good = landing / "dossiers" / f"dossiers_{DAY}.csv"
    if kind == "bytes":
        content, suffix = raw, ".csv" if len(raw) % 2 else ".xlsx"
    elif kind == "damaged_csv":
        content, suffix = damaged(good.read_bytes(), cuts), ".csv"
    else:
        rows = rows_of(good)
        book = Workbook()
        book.active.append(list(rows[0]))
        for r in rows[:30]:
            book.active.append(list(r.values()))
        if kind == "cells_xlsx":
            rng = random.Random(len(values))
            for row in values:     # random cells, or random cells after a real row's first three
                clean = [writable(v) for v in row]
                book.active.append(clean if rng.random() < 0.5 else [*list(rows[0].values())[:3], *clean])
        path = tmp_path / "book.xlsx"
        book.save(path)
        content, suffix = (damaged(path.read_bytes(), cuts) if kind == "damaged_xlsx" else path.read_bytes()), ".xlsx"
    day = dt.date(2030, 1, 1) + dt.timedelta(days=next(counter))
    path = tmp_path / "in" / f"dossiers_{day}{suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    with connect(tmp_path / "w.duckdb") as con:
        outcome = load_file(con, path, "dossiers", "prop", tmp_path / "quarantine")
    assert outcome.status in {"pending", "quarantined"}
    if outcome.status == "quarantined":
        assert outcome.issues and all(i.problem for i in outcome.issues)
        assert (tmp_path / "quarantine" / "dossiers" / f"{outcome.load_id}.report.txt").exists()


@EXAMPLES
@given(kind=st.sampled_from(["bytes", "damaged", "cells"]), raw=st.binary(max_size=3000), cuts=damage,
       values=st.lists(st.tuples(st.integers(1, 60), st.integers(1, 14), cells), min_size=1, max_size=25))
def test_no_unit_report_content_escapes_the_reader(tmp_path_factory, kind, raw, cuts, values):
    folder = tmp_path_factory.mktemp("report")
    real = build_workbook(folder / "phu_luc.xlsx", APPENDICES)
    path = folder / ("phu_luc.xls" if kind == "bytes" and len(raw) % 2 else "bao_cao.xlsx")
    if kind == "bytes":
        path.write_bytes(raw)
    elif kind == "damaged":
        path.write_bytes(damaged(real.read_bytes(), cuts))
    else:
        book = load_workbook(real)
        for (row, column, value), sheet in zip(values, itertools.cycle(book.worksheets)):
            if type(sheet.cell(row, column)).__name__ != "MergedCell":
                sheet.cell(row, column).value = writable(value)
        book.save(path)
    try:
        tables = read_workbook(path)
    except (ReportRejected, ReportWaiting, ValueError):   # the verdicts load_report turns into rejected / waiting
        return
    con = duckdb.connect()
    ensure_schema(con)
    for t in tables:                                      # what was read can be stored as read
        _store(con, "r", t)


def test_a_hostile_file_beside_good_ones_leaves_the_day_loading(home):
    """Random bytes under one source's name, a cut .xlsx under another's: both quarantined,
    the day's dossier extract becomes current."""
    (home.landing / "payments" / f"payments_{DAY}.csv").write_bytes(random.Random(1).randbytes(5000))
    (home.landing / "services" / f"services_{DAY}.xlsx").write_bytes(b"PK\x03\x04" + random.Random(2).randbytes(800))
    files = ingest(home, {DAY}, "hostile")
    validate_loads(home, "hostile", echo=lambda *_: None)
    settle(home, files)
    by_name = {f.path.name: f.status for f in files}
    assert by_name[f"payments_{DAY}.csv"] == by_name[f"services_{DAY}.xlsx"] == "quarantined"
    assert by_name[f"dossiers_{DAY}.csv"] == "current"
