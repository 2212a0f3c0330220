"""A re-delivered file for a day already loaded: a correction that would erase the day is
held until someone accepts it; an earlier version delivered again becomes current again; a
file quarantined only for its twin loads once the twin is gone. Real loads, real checks."""

from __future__ import annotations

import csv
import datetime as dt
import shutil

import duckdb
import pytest
from openpyxl import Workbook

from ingestion.contracts import load_contract
from tests.conftest import START, rows_of, write_rows
from tthc.cli import main
from tthc.pipeline import ingest, settle, validate_loads

DAY = START + dt.timedelta(days=3)


def deliver(home, rows=None, header_only=False):
    """Run ingestion and the load checks for DAY, after writing ``rows`` as its extract."""
    path = home.landing / "dossiers" / f"dossiers_{DAY}.csv"
    if header_only:
        header = list(rows_of(path)[0])
        with open(path, "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerow(header)
    elif rows is not None:
        write_rows(path, rows)
    files = ingest(home, {DAY}, "test-run")
    validate_loads(home, "test-run", echo=lambda *_: None)
    settle(home, files)
    return next(f for f in files if f.path.name == path.name)


def day_loads(home):
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        return con.execute("select load_id, status, row_count, reason, accepted_by from raw.load_manifest "
                           "where source = 'dossiers' and extract_date = ? order by received_at", [DAY]).fetchall()


def current_rows(home):
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        return con.execute("select count(*) from raw.dossiers where _load_id = (select load_id from raw.load_manifest "
                           "where source = 'dossiers' and extract_date = ? and status = 'current')", [DAY]).fetchone()[0]


@pytest.mark.parametrize("cut", ["header_only", "cut_at_a_row", "column_emptied"])
def test_a_correction_that_would_erase_the_day_is_held_until_accepted(home, cut, capsys):
    original = rows_of(home.landing / "dossiers" / f"dossiers_{DAY}.csv")
    first = deliver(home)
    assert first.status == "current" and len(original) > 20
    if cut == "header_only":
        held = deliver(home, header_only=True)
    elif cut == "cut_at_a_row":
        held = deliver(home, original[: len(original) // 8])
    else:   # an export that left an optional column out: every row still passes its checks
        column = next(c.name for c in load_contract("dossiers").columns
                      if not c.required and all(r.get(c.name) for r in original))
        held = deliver(home, [{**r, column: ""} for r in original])
    assert held.status == "held"
    # the day keeps its data; the correction is kept, with the comparison, not applied
    assert current_rows(home) == len(original)
    (_, _, _, _, _), (load_id, status, _, reason, _) = day_loads(home)
    assert (load_id, status) == (held.load_id, "held")
    assert first.load_id in reason and f"tthc accept {load_id}" in reason
    if cut == "column_emptied":
        assert f"emptied column(s): {column}" in reason
    else:
        assert f"rows {len(original):,} ->" in reason
    report = (home.quarantine / "dossiers" / f"{load_id}.report.txt").read_text(encoding="utf-8")
    assert "not applied" in report and f"tthc accept {load_id} --by" in report
    # a run of the same day again leaves it held
    assert deliver(home).status == "skipped"

    assert main(["status"]) == 0
    assert f"held corrections" in capsys.readouterr().out
    assert main(["accept", load_id, "--by", "chuyên viên VP"]) == 0
    assert f"tthc run --date {DAY}" in capsys.readouterr().out
    statuses = {lid: (s, by) for lid, s, _, _, by in day_loads(home)}
    assert statuses == {first.load_id: ("superseded", None), load_id: ("current", "chuyên viên VP")}
    with pytest.raises(SystemExit, match="not held"):
        main(["accept", load_id])


def test_a_small_correction_applies_and_the_earlier_version_can_be_restored(home):
    path = home.landing / "dossiers" / f"dossiers_{DAY}.csv"
    original_bytes = path.read_bytes()
    original = rows_of(path)
    first = deliver(home)
    corrected = deliver(home, original[:-2])                  # two rows withdrawn: within the guard
    assert corrected.status == "current" and current_rows(home) == len(original) - 2
    path.write_bytes(original_bytes)                          # the office undoes the correction
    restored = deliver(home)
    assert (restored.load_id, restored.status) == (first.load_id, "current")
    assert current_rows(home) == len(original)
    assert {lid: s for lid, s, *_ in day_loads(home)} == {first.load_id: "current", corrected.load_id: "superseded"}


def test_a_file_quarantined_for_its_twin_loads_once_alone(home):
    csv_path = home.landing / "dossiers" / f"dossiers_{DAY}.csv"
    rows = rows_of(csv_path)
    book = Workbook()
    book.active.append(list(rows[0]))
    for r in rows:
        book.active.append(list(r.values()))
    twin = csv_path.with_suffix(".xlsx")
    book.save(twin)
    files = ingest(home, {DAY}, "run-1")
    assert {f.path.suffix: f.status for f in files if f.path.stem == f"dossiers_{DAY}"} == {".csv": "quarantined", ".xlsx": "quarantined"}
    shutil.move(twin, home.home / "removed.xlsx")
    loaded = deliver(home)
    assert loaded.status == "current" and current_rows(home) == len(rows)
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw.quarantine_issues where load_id = ?", [loaded.load_id]).fetchone() == (0,)


def deliver_file(home, source: str, day: dt.date, rows: list[dict] | None, header: list[str] | None = None):
    """Write ``rows`` (or the header only) as ``source``'s file of ``day``, run ingestion and the load checks for it."""
    path = home.landing / source / f"{source}_{day}.csv"
    if rows:
        write_rows(path, rows)
    else:
        with open(path, "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerow(header)
    files = ingest(home, {day}, "test-run")
    validate_loads(home, "test-run", echo=lambda *_: None)
    settle(home, files)
    return next(f for f in files if f.path.name == path.name)


def test_a_header_only_correction_of_a_small_day_is_held(home):
    """3 rows -> 0 is under the 5-row floor, and no column is 'emptied' in a file with no rows:
    it was applied, and the day's payments vanished."""
    path = home.landing / "payments" / f"payments_{DAY}.csv"
    rows = rows_of(path)[:3]
    first = deliver_file(home, "payments", DAY, rows)
    assert first.status == "current"
    held = deliver_file(home, "payments", DAY, None, header=list(rows[0]))
    assert held.status == "held"
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        (reason,) = con.execute("select reason from raw.load_manifest where load_id = ?", [held.load_id]).fetchone()
    assert "rows 3 -> 0" in reason and first.load_id in reason


def test_a_correction_that_blanks_most_of_a_column_is_held(home):
    """due_at blanked in all rows but one: not 'emptied', yet the day's deadlines are gone."""
    original = rows_of(home.landing / "dossiers" / f"dossiers_{DAY}.csv")
    first = deliver(home)
    assert first.status == "current"
    blanked = [{**r, "due_at": r["due_at"] if i == 0 else ""} for i, r in enumerate(original)]
    filled = sum(1 for r in original if r["due_at"])
    held = deliver(home, blanked)
    assert held.status == "held"
    (*_, (_, _, _, reason, _)) = day_loads(home)
    assert f"column(s) losing values: due_at filled {filled:,} -> 1" in reason
    # a correction that only drops a few rows loses only their values: not held for its columns
    assert deliver(home, original[:-2]).status == "current"


def test_a_service_catalogue_delivered_on_a_new_date_is_compared_with_the_one_before(home):
    """The catalogue is a full snapshot delivered on new dates, never a same-day correction:
    half of it, or its header only, on a new date replaced it silently."""
    (earlier,) = sorted((home.landing / "services").glob("*.csv"))[:1]
    catalogue = rows_of(earlier)
    day = dt.date.fromisoformat(earlier.stem.split("_")[1])
    first = deliver_file(home, "services", day, catalogue)
    assert first.status == "current"
    half = deliver_file(home, "services", DAY, catalogue[: len(catalogue) // 2])
    assert half.status == "held"
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        (reason,) = con.execute("select reason from raw.load_manifest where load_id = ?", [half.load_id]).fetchone()
    assert f"would follow {first.load_id}, the latest before it" in reason and f"rows {len(catalogue):,} ->" in reason
    later = DAY + dt.timedelta(days=1)
    assert deliver_file(home, "services", later, None, header=list(catalogue[0])).status == "held"
    # a catalogue that changes a little on a new date is its new version
    assert deliver_file(home, "services", later + dt.timedelta(days=1), catalogue[:-2]).status == "current"


def test_a_file_quarantined_by_the_load_checks_is_reported_with_its_reason_and_duplicate_key(home):
    """The run said `QUARANTINED dossiers_….csv: ` with no reason, and named the duplicated
    key's column `_load_id,dossier_code` without its value."""
    from tthc.pipeline import RunSummary

    rows = rows_of(home.landing / "dossiers" / f"dossiers_{DAY}.csv")
    twin = {**rows[4], "status": "7" if rows[4]["status"] != "7" else "4"}    # the same dossier, another state
    write_rows(home.landing / "dossiers" / f"dossiers_{DAY}.csv", [*rows[:20], twin, *rows[20:]])
    files = ingest(home, {DAY}, "r")
    summary = RunSummary("r", files, validate_loads(home, "r", echo=lambda *_: None))
    settle(home, files)
    (bad,) = [f for f in files if f.status == "quarantined"]
    assert [(i.row_number, i.column, i.value) for i in bad.issues] == [
        (5, "dossier_code", rows[4]["dossier_code"]), (21, "dossier_code", rows[4]["dossier_code"])]
    assert "the same dossier_code is on more than one row" in bad.issues[0].problem
    (line,) = [line for line in summary.lines() if "QUARANTINED" in line]
    assert line.startswith(f"  QUARANTINED dossiers_{DAY}.csv ({bad.load_id}, load checks): row 5 (line 6), "
                           "column dossier_code: fails check key_unique_in_extract") and repr(rows[4]["dossier_code"]) in line


def test_loads_validated_in_batches_are_judged_as_in_one(home, monkeypatch):
    """A one-pass backfill: the load checks (SQL) judge every pending load in one scan; GX's
    confirmation reads them in frames of at most VALIDATION_BATCH_ROWS rows, so that its
    memory does not grow with the history. With batches of a few hundred rows, a duplicate
    key in the last day's file still quarantines that file alone, every other load is
    current, each check has one result for the run, counting every row, and GX, batch by
    batch, agrees."""
    import tthc.pipeline
    from tthc.pipeline import confirm_load_checks

    monkeypatch.setattr(tthc.pipeline, "VALIDATION_BATCH_ROWS", 300)
    days = [START + dt.timedelta(days=i) for i in range(6)]
    path = home.landing / "dossiers" / f"dossiers_{days[-1]}.csv"
    rows = rows_of(path)
    write_rows(path, [*rows, {**rows[2], "status": "7" if rows[2]["status"] != "7" else "4"}])
    lines = []
    files = ingest(home, set(days), "batched")
    validate_loads(home, "batched", echo=lines.append)
    settle(home, files)
    dossier_files = [f for f in files if f.path.parent.name == "dossiers"]
    assert len(dossier_files) == 6
    assert [f.path.name for f in dossier_files if f.status == "quarantined"] == [path.name]
    assert all(f.status == "current" for f in dossier_files if f.path != path)
    assert any(line.startswith("validating 6 dossiers load(s)") for line in lines)
    assert confirm_load_checks(home, echo=lines.append) == len([f for f in files if f.status in ("current", "quarantined")
                                                                and f.load_id and f.rows])
    assert any(line.startswith("Great Expectations: validating again 6 dossiers load(s) in") for line in lines)
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        results = con.execute("""select expectation, count(*), sum(element_count), bool_and(success)
                                 from audit.validation_results where run_id = 'batched' and suite = 'dossiers_load'
                                 group by expectation""").fetchall()
        loaded = con.execute("select sum(row_count) from raw.load_manifest where source = 'dossiers'").fetchone()[0]
    assert {n for _, n, _, _ in results} == {1}
    assert {total for _, _, total, _ in results} == {loaded}
    assert [e for e, _, _, ok in results if not ok] == ["key_unique_in_extract"]
