"""Property-style: whatever bytes or cells a file holds, the readers end with a verdict —
loaded, quarantined (extracts), rejected or waiting (unit reports) — never an exception,
and the day's other files still load. Examples are derived from real files (a generated
extract, the reference appendices) by random damage, and from random bytes."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import os
import random
import re
import zipfile

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ingestion.loader import load_file
from ingestion.unit_report_loader import _store
from ingestion.unit_reports import ReportRejected, ReportWaiting, read_workbook
from tests.conftest import START, rows_of
from tests.workbooks import APPENDICES, build_workbook
from tthc.pipeline import RunSummary, ingest, ingest_unit_reports, settle, validate_loads
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


def with_sheet_xml(data: bytes, change, member: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The workbook ``data`` with one sheet's XML changed by ``change``, packed again as a valid
    zip: the damage reaches the XML parser, not the zip reader."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            content = zin.read(item.filename)
            zout.writestr(item, change(content) if item.filename == member else content)
    return out.getvalue()


def unescaped_ampersand(xml: bytes) -> bytes:
    """A home-made exporter that writes text without escaping '&' (first text cell of row 2)."""
    return re.sub(rb'(<row r="2".*?<t>)', rb"\1VPDK & TN-MT ", xml, count=1, flags=re.S)


def missing_shared_string(xml: bytes) -> bytes:
    """A cell pointing at shared string 99999, which the workbook does not have."""
    return re.sub(rb'<c r="A2"[^>]*?(/>|>.*?</c>)', b'<c r="A2" t="s"><v>99999</v></c>', xml, count=1, flags=re.S)


BROKEN_XML = {"unescaped_ampersand": unescaped_ampersand, "missing_shared_string": missing_shared_string}

damage = st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 400), st.binary(max_size=60)), min_size=1, max_size=6)
counter = itertools.count(1)


@EXAMPLES
@given(kind=st.sampled_from(["bytes", "damaged_csv", "damaged_xlsx", "cells_xlsx", "sheet_xml"]), raw=st.binary(max_size=3000),
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
        content, suffix = (damaged(path.read_bytes(), cuts) if kind == "damaged_xlsx" else
                           with_sheet_xml(path.read_bytes(), lambda xml: damaged(xml, cuts)) if kind == "sheet_xml" else
                           path.read_bytes()), ".xlsx"
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
@given(kind=st.sampled_from(["bytes", "damaged", "cells", "sheet_xml"]), raw=st.binary(max_size=3000), cuts=damage,
       values=st.lists(st.tuples(st.integers(1, 60), st.integers(1, 14), cells), min_size=1, max_size=25))
def test_no_unit_report_content_escapes_the_reader(tmp_path_factory, kind, raw, cuts, values):
    folder = tmp_path_factory.mktemp("report")
    real = build_workbook(folder / "phu_luc.xlsx", APPENDICES)
    path = folder / ("phu_luc.xls" if kind == "bytes" and len(raw) % 2 else "bao_cao.xlsx")
    if kind == "bytes":
        path.write_bytes(raw)
    elif kind == "damaged":
        path.write_bytes(damaged(real.read_bytes(), cuts))
    elif kind == "sheet_xml":     # a valid zip whose sheet XML is broken: the parser fails while rows are read
        path.write_bytes(with_sheet_xml(real.read_bytes(), lambda xml: damaged(xml, cuts)))
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


@pytest.mark.parametrize("defect", sorted(BROKEN_XML))
def test_an_extract_workbook_with_broken_sheet_xml_is_quarantined_and_the_day_loads(home, defect):
    """openpyxl raises ParseError or IndexError only while iterating the rows: the file is
    quarantined as not a readable workbook, and the other sources of the day still load."""
    rows = rows_of(home.landing / "dossiers" / f"dossiers_{DAY}.csv")
    book = Workbook()
    book.active.append(list(rows[0]))
    for r in rows:
        book.active.append(list(r.values()))
    plain = home.home / "plain.xlsx"
    book.save(plain)
    (home.landing / "dossiers" / f"dossiers_{DAY}.csv").unlink()
    (home.landing / "dossiers" / f"dossiers_{DAY}.xlsx").write_bytes(with_sheet_xml(plain.read_bytes(), BROKEN_XML[defect]))
    files = ingest(home, {DAY}, "hostile")
    validate_loads(home, "hostile", echo=lambda *_: None)
    settle(home, files)
    by_name = {f.path.name: f for f in files}
    broken = by_name[f"dossiers_{DAY}.xlsx"]
    assert broken.status == "quarantined"
    assert "not a readable workbook" in broken.issues[0].problem
    assert ("ParseError" if defect == "unescaped_ampersand" else "IndexError") in broken.issues[0].problem
    assert by_name[f"payments_{DAY}.csv"].status == "current"


@pytest.mark.parametrize("defect", sorted(BROKEN_XML))
def test_a_unit_report_with_broken_sheet_xml_is_rejected_and_the_others_load(home, defect):
    folder = home.landing / "unit_reports"
    folder.mkdir(exist_ok=True)
    good = build_workbook(folder / "b_phu_luc.xlsx", APPENDICES)
    (folder / "a_phu_luc_loi.xlsx").write_bytes(with_sheet_xml(good.read_bytes(), BROKEN_XML[defect]))
    outcomes = {o.path.name: o for o in ingest_unit_reports(home, "hostile", echo=lambda *_: None)}
    assert outcomes["a_phu_luc_loi.xlsx"].status == "rejected"
    assert "not a readable workbook" in outcomes["a_phu_luc_loi.xlsx"].reason
    assert outcomes["b_phu_luc.xlsx"].status == "loaded"


def test_a_file_name_that_is_not_utf8_is_quarantined_under_an_escaped_name_and_the_run_goes_on(home):
    """A copy saved by a Windows tool as "bản sao" in Latin-1: DuckDB cannot store its name,
    which used to stop every file of every run."""
    folder = os.fsencode(home.landing / "dossiers")
    good = home.landing / "dossiers" / f"dossiers_{DAY}.csv"
    with open(os.path.join(folder, b"dossiers_2021-12-17 (b\xe1n sao).csv"), "wb") as f:
        f.write(good.read_bytes())
    files = ingest(home, {DAY}, "hostile")
    validate_loads(home, "hostile", echo=lambda *_: None)
    settle(home, files)
    (odd,) = [f for f in files if "sao" in f.name]
    assert odd.name == "dossiers_2021-12-17 (b\\xe1n sao).csv"
    assert odd.status == "quarantined" and odd.issues[0].problem == "the file name is not UTF-8: rename it"
    assert {f.status for f in files if f is not odd} == {"current"}
    assert any("QUARANTINED dossiers_2021-12-17 (b\\xe1n sao).csv: the file name is not UTF-8" in line
               for line in RunSummary("r", files).lines())
    with connect(home.warehouse, read_only=True) as con:
        assert con.execute("select file_name from raw.load_manifest where status = 'quarantined'").fetchall() == [
            ("dossiers_2021-12-17 (b\\xe1n sao).csv",)]
    (report,) = (home.quarantine / "dossiers").glob("*.report.txt")
    assert "b\\xe1n sao" in report.read_text(encoding="utf-8")


def test_a_unit_report_name_that_is_not_utf8_is_rejected_and_the_others_load(home):
    folder = home.landing / "unit_reports"
    folder.mkdir(exist_ok=True)
    good = build_workbook(folder / "b_phu_luc.xlsx", APPENDICES)
    with open(os.path.join(os.fsencode(folder), b"a_ph\xf9_l\xfac.xlsx"), "wb") as f:
        f.write(good.read_bytes() + b"\0")      # not the same file: a copy someone saved again
    outcomes = {o.name: o for o in ingest_unit_reports(home, "hostile", echo=lambda *_: None)}
    assert outcomes["a_ph\\xf9_l\\xfac.xlsx"].status == "rejected"
    assert "the file name is not UTF-8: rename it" in outcomes["a_ph\\xf9_l\\xfac.xlsx"].reason
    assert outcomes["b_phu_luc.xlsx"].status == "loaded"
    with connect(home.warehouse, read_only=True) as con:
        assert sorted(con.execute("select file_name, status from raw.unit_report_files").fetchall()) == [
            ("a_ph\\xf9_l\\xfac.xlsx", "rejected"), ("b_phu_luc.xlsx", "loaded")]


def test_a_unit_report_refused_for_its_name_loads_once_renamed_and_a_good_copy_loads_at_once(home):
    """Refusing a name says nothing of the content: the same bytes under a UTF-8 name load,
    whether the office renames the file or a good copy came beside it."""
    folder = home.landing / "unit_reports"
    folder.mkdir(exist_ok=True)
    content = build_workbook(home.home / "phu_luc.xlsx", APPENDICES).read_bytes()
    bad = os.path.join(os.fsencode(folder), b"a_ph\xf9_l\xfac.xlsx")
    with open(bad, "wb") as f:
        f.write(content)
    first = {o.name: o.status for o in ingest_unit_reports(home, "first", echo=lambda *_: None)}
    assert first == {"a_ph\\xf9_l\\xfac.xlsx": "rejected"}
    again = {o.name: o.status for o in ingest_unit_reports(home, "again", echo=lambda *_: None)}
    assert set(again.values()) <= {"skipped"}                   # still misnamed: not refused twice
    os.rename(bad, os.path.join(os.fsencode(folder), b"a_phu_luc.xlsx"))
    renamed = {o.name: o.status for o in ingest_unit_reports(home, "renamed", echo=lambda *_: None)}
    assert renamed == {"a_phu_luc.xlsx": "loaded"}
    with connect(home.warehouse, read_only=True) as con:
        assert con.execute("select file_name, status from raw.unit_report_files").fetchall() == [("a_phu_luc.xlsx", "loaded")]
        assert con.execute("select count(*) from raw.unit_report_issues").fetchone() == (0,)


def test_an_error_no_reader_foresaw_quarantines_its_file_and_a_warehouse_error_still_stops(home, monkeypatch):
    """Each file is read in its own containment: a parser's exception of a kind not met yet
    is that file's verdict; an error of the warehouse itself is not swallowed."""
    import ingestion.loader as loader

    real = loader.stage_file

    def reader_with(error):
        def read(con, path, contract):
            if path.name == f"payments_{DAY}.csv":
                raise error
            return real(con, path, contract)
        return read

    monkeypatch.setattr(loader, "stage_file", reader_with(RecursionError("maximum recursion depth exceeded")))
    files = {f.path.name: f for f in ingest(home, {DAY}, "hostile")}
    assert files[f"payments_{DAY}.csv"].status == "quarantined"
    assert files[f"payments_{DAY}.csv"].issues[0].problem == "could not be read: RecursionError: maximum recursion depth exceeded"
    assert files[f"dossiers_{DAY}.csv"].status == "pending"
    (home.landing / "payments" / f"payments_{DAY}.csv").write_text("changed\n", encoding="utf-8")
    monkeypatch.setattr(loader, "stage_file", reader_with(duckdb.IOException("could not write to the database file")))
    with pytest.raises(duckdb.IOException):
        ingest(home, {DAY}, "hostile-2")


def test_a_true_false_cell_in_a_unit_report_rate_column_is_a_named_cell_issue(tmp_path):
    """An Excel boolean in a percentage column raised decimal.InvalidOperation (Decimal("False"))."""
    book = load_workbook(build_workbook(tmp_path / "phu_luc.xlsx", ["000_p2_online_rate"]))
    book.active["E7"] = False                      # the first unit's "Tỷ lệ (%) xử lý trực tuyến"
    book.save(path := tmp_path / "rate.xlsx")
    with pytest.raises(ReportRejected) as rejected:
        read_workbook(path)
    assert [(i.row, i.column) for i in rejected.value.issues if "percentage" in i.problem] == [(7, "E (online_rate)")]
