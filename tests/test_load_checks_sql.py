"""The load checks in SQL decide loads; Great Expectations, run on the same rows, must agree.

Every source's extract is spoilt so that every one of its load checks fails on some rows
(each spoilt in its own way: a missing key, a key twice, a value outside its set or its
minimum, a control character, mojibake, dates in the wrong order), then both engines check
the same pending loads and must fail exactly the same rows.
"""

from __future__ import annotations

import datetime as dt

import pytest

from expectations.runner import validate
from expectations.sql_checks import ID_COLUMNS, run_checks
from expectations.suites import MOJIBAKE, load_checks
from ingestion.contracts import load_contract, sources
from ingestion.loader import load_file
from tests.conftest import rows_of, write_rows
from tthc.config import Paths
from warehouse.database import connect


def spoil(rows: list[dict], checks, contract) -> tuple[list[dict], list[tuple[str, object, int]]]:
    """The rows with, for each check, a row of its own made to fail it (data row i + 1 for
    the i-th check), and the spoiling to do in the warehouse instead, as (column, value, row
    number): a missing key (the reader refuses it already) and a column the file lacks."""
    rows = [dict(r) for r in rows]
    columns = {c.name: c for c in contract.columns}
    later = []
    for i, check in enumerate(checks, start=1):
        row, kw = rows[i], check.kwargs
        match check.expectation:
            case "ExpectColumnValuesToNotBeNull":
                value = None
            case "ExpectCompoundColumnsToBeUnique":      # the key of the last row, left unspoilt
                for col in kw["column_list"][1:]:
                    row[col] = rows[-1][col]
                continue
            case "ExpectColumnValuesToBeInSet":
                value = 99 if columns[kw["column"]].type == "integer" else "KHONG-CO"
            case "ExpectColumnValuesToBeBetween":
                value = kw["min_value"] - 1
            case "ExpectColumnValuesToNotMatchRegex":
                value = "Ủy ban\x07 xã" if "x00" in kw["regex"] else "UBND xÃ£ Ä\u2018á»“ng"
            case "ExpectColumnPairValuesAToBeGreaterThanB":   # B (to come first) a day after A
                day = "2030-01-0{}" if columns[kw["column_A"]].type == "date" else "2030-01-0{} 08:00:00"
                for column, value in ((kw["column_A"], day.format(1)), (kw["column_B"], day.format(2))):
                    if column in row:
                        row[column] = value
                    else:
                        later.append((column, value, i + 1))
                continue
            case other:
                raise AssertionError(f"no way to spoil {other} yet: add one")
        if value is None or kw["column"] not in row:
            later.append((kw["column"], value, i + 1))
        else:
            row[kw["column"]] = str(value)
    return rows, later


@pytest.mark.parametrize("source", sources())
def test_gx_and_sql_fail_the_same_rows_of_every_load_check(landing, tmp_path, source):
    contract = load_contract(source)
    checks = load_checks(contract)
    paths = Paths(tmp_path / "home").ensure()
    files = sorted((landing / source).glob(f"{source}_*.csv"), key=lambda p: p.stat().st_size)
    clean, dirty = files[-1], files[-2]             # two loads: one spoilt, one not
    write_rows(paths.landing / source / clean.name, rows_of(clean))
    rows, later = spoil(rows_of(dirty), checks, contract)
    write_rows(paths.landing / source / dirty.name, rows)
    with connect(paths.warehouse) as con:
        loads = []
        for path in sorted((paths.landing / source).iterdir()):
            outcome = load_file(con, path, source, "r", paths.quarantine)
            assert outcome.status == "pending", outcome.issues[:3]
            loads.append(outcome.load_id)
        spoilt = next(load for load in loads if dirty.stem.split("_")[-1] in load)
        for column, value, row_number in later:
            con.execute(f"update raw.{source} set {column} = ? where _load_id = ? and _row_number = ?",
                        [value, spoilt, row_number])
        by_sql = run_checks(con, f"raw.{source}", loads, checks)
        frame = con.execute(f"select * from raw.{source}").df()
    by_gx = validate(paths.gx_project, f"{source}_load", frame, checks, list(ID_COLUMNS), docs=False)

    for gx, sql in zip(by_gx, by_sql, strict=True):
        assert gx.check.name == sql.check.name
        rows = {(r["_load_id"], r["_row_number"]) for r in sql.unexpected_rows}
        assert rows == {(r["_load_id"], r["_row_number"]) for r in gx.unexpected_rows}, gx.check.name
        assert (sql.success, sql.unexpected_count, sql.element_count) == (gx.success, gx.unexpected_count, gx.element_count)
        # every check fails, on the spoilt load only (the key check on both rows sharing a key)
        assert rows and {load for load, _ in rows} == {spoilt}, gx.check.name
        # the failing rows carry the values the quarantine report names, as GX gives them (a
        # missing value: None from SQL, NaN from pandas)
        column = gx.check.kwargs.get("column")
        if column:
            assert sorted(map(shown, (r[column] for r in sql.unexpected_rows))) == \
                sorted(map(shown, (r[column] for r in gx.unexpected_rows))), gx.check.name


def shown(value) -> str:
    """A failing row's value as text, missing as "" (SQL: None; GX: NaN or "NaT")."""
    return "" if value is None or value != value or value in ("nan", "NaT") else str(value)


def test_a_disagreement_between_gx_and_sql_stops_the_confirmation_and_keeps_the_loads_queued(home, monkeypatch):
    """A wrong SQL form of a check (here: the register check that lets every code pass) is
    caught when GX validates the same loads again, and the loads wait for the next one."""
    import expectations.sql_checks as sql_checks
    from tthc.pipeline import ChecksDisagree, confirm_load_checks, ingest, validate_loads

    day = dt.date(2021, 12, 20)
    rows = rows_of(home.landing / "dossiers" / f"dossiers_{day}.csv")
    rows[3]["unit_code"] = "99999"
    write_rows(home.landing / "dossiers" / f"dossiers_{day}.csv", rows)
    right = sql_checks.failing_condition
    monkeypatch.setattr(sql_checks, "failing_condition", lambda check, i: (
        ("false", {}) if check.name == "unit_code_in_register" else right(check, i)))
    ingest(home, {day}, "r")
    assert not validate_loads(home, "r", echo=lambda *_: None)        # wrongly let through
    with pytest.raises(ChecksDisagree, match=r"dossiers: .*unit_code_in_register: GX fails 1 row\(s\), SQL 0"):
        confirm_load_checks(home, echo=lambda *_: None)
    with connect(home.warehouse, read_only=True) as con:
        assert con.execute("select count(*) from raw.loads_awaiting_gx").fetchone()[0] == \
            con.execute("select count(*) from raw.load_manifest").fetchone()[0] > 1        # the day's loads
    from warehouse.status import status_lines
    assert any(line.startswith("loads awaiting Great Expectations' confirmation: ") for line in status_lines(home))

    # mended, the two engines agree on the rows, but the load they fail was made current: still stopped
    monkeypatch.setattr(sql_checks, "failing_condition", right)
    with pytest.raises(ChecksDisagree, match=r"dossiers-2021-12-20-\w+ was made current, yet GX fails its rows") as stopped:
        confirm_load_checks(home, echo=lambda *_: None)
    assert "unit_code_in_register: GX fails" not in str(stopped.value)


def test_every_decided_load_is_confirmed_once_and_shown_in_the_data_docs(home):
    from tthc.pipeline import confirm_load_checks, ingest, validate_loads

    days = {dt.date(2021, 12, 20), dt.date(2021, 12, 21)}
    ingest(home, days, "r")
    validate_loads(home, "r", echo=lambda *_: None)
    with connect(home.warehouse, read_only=True) as con:
        decided = con.execute("select count(*) from raw.load_manifest where status = 'current'").fetchone()[0]
    assert confirm_load_checks(home, echo=lambda *_: None) == decided > 0
    assert confirm_load_checks(home, echo=lambda *_: None) == 0
    pages = list((home.gx_project / "gx" / "uncommitted" / "data_docs" / "local_site" / "validations").rglob("*.html"))
    assert {p.parts[-4] for p in pages} >= {"dossiers_load", "payments_load"}


def test_tthc_run_prints_its_summary_then_fails_when_gx_disagrees(home, monkeypatch, capsys):
    """A wrong SQL form that refuses every row (a false quarantine): the run loads, builds and
    publishes the rest, prints its summary with the quarantined file, then the disagreement,
    and exits 1."""
    import expectations.sql_checks as sql_checks
    from tthc.cli import main

    right = sql_checks.failing_condition
    monkeypatch.setattr(sql_checks, "failing_condition", lambda check, i: (
        ("true", {}) if check.name == "status_known" else right(check, i)))
    assert main(["run", "--date", "2021-12-20"]) == 1
    out = capsys.readouterr().out
    summary, _, disagreement = out.partition("LOAD CHECKS NOT CONFIRMED: ")
    assert "QUARANTINED dossiers_2021-12-20.csv" in summary
    assert disagreement.startswith("dossiers: ") and "was quarantined by the load checks, yet GX fails none of its rows" in disagreement
    assert home.published.exists()


def test_mojibake_found_only_across_two_columns_fails_no_row(landing, tmp_path):
    """The regex checks first match the row's texts put together; "Ã" ending a name and "©"
    starting the next column make mojibake only there, so each column is then checked alone,
    and no row fails, as GX says."""
    contract = load_contract("dossiers")
    checks = load_checks(contract)
    paths = Paths(tmp_path / "home").ensure()
    day = sorted((landing / "dossiers").glob("dossiers_*.csv"))[-1]
    rows = rows_of(day)
    rows[1].update(applicant_name="Lê Thị Ã", applicant_id_number="©079201000123")
    path = write_rows(paths.landing / "dossiers" / day.name, rows)
    with connect(paths.warehouse) as con:
        load = load_file(con, path, "dossiers", "r", paths.quarantine).load_id
        assert con.execute("select regexp_matches(concat(applicant_name, applicant_id_number), ?) from raw.dossiers "
                           "where _row_number = 2", [MOJIBAKE]).fetchone() == (True,)
        by_sql = run_checks(con, "raw.dossiers", [load], checks)
        frame = con.execute("select * from raw.dossiers").df()
    by_gx = validate(paths.gx_project, "dossiers_load", frame, checks, list(ID_COLUMNS), docs=False)
    assert [(o.check.name, o.success, o.unexpected_count) for o in by_sql] == \
        [(o.check.name, o.success, o.unexpected_count) for o in by_gx]
    assert all(o.success for o in by_sql)
