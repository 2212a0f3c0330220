"""Backfills and corrections: a range in one pass equals day-by-day runs, and a corrected
extract for an old day changes exactly what depends on that day."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb

from tests.conftest import START, rows_of, write_rows
from tthc.config import Paths
from tthc.pipeline import build, run

DAYS = [START + dt.timedelta(days=i) for i in range(3)]
MODELS = ["staging.stg_portal__dossiers", "intermediate.int_dossier_versions", "marts.fct_dossier_processing",
          "marts.rpt_processing_report", "marts.fct_online_dossier_rate", "marts.fct_online_service_uptake"]


def contents(paths: Paths, table: str) -> list[tuple]:
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        columns = [c for (c,) in con.execute(f"select column_name from information_schema.columns where table_schema || '.' || table_name = '{table}'").fetchall()
                   if c != "load_id"]  # load ids name the same files in both; kept out to compare content only
        return con.execute(f"select {', '.join(columns)} from {table} order by all").fetchall()


def fresh_home(root, landing, name) -> Paths:
    shutil.copytree(landing, root / name / "landing")
    return Paths(root / name).ensure()


def test_one_pass_over_a_range_equals_day_by_day_runs(tmp_path, landing):
    one_pass = fresh_home(tmp_path, landing, "one_pass")
    run(one_pass, set(DAYS), echo=lambda *_: None)
    daily = fresh_home(tmp_path, landing, "daily")
    for day in DAYS:
        run(daily, {day}, echo=lambda *_: None)
    for table in MODELS:
        assert contents(one_pass, table) == contents(daily, table), table


def test_a_corrected_extract_for_an_old_day_changes_exactly_what_depends_on_it(copy_of_built):
    """The portal re-delivers 20/12/2021 with one dossier that was missing: it was received
    online that day and is still open. Periods ending before that day must not move; every
    period containing it gains one new online dossier for that unit; later periods carry it over."""
    day = dt.date(2021, 12, 20)
    path = copy_of_built.landing / "dossiers" / f"dossiers_{day}.csv"
    rows = rows_of(path)
    template = next(r for r in rows if r["unit_code"].startswith("25"))  # a commune's dossier
    unit = template["unit_code"]
    late = dict(template, dossier_code=f"{unit}-211220-99999", channel="2", status="2", submitted_at="2021-12-19 20:00:00",
                received_at="2021-12-20 08:00:00", due_at="2022-12-31 17:00:00", finished_at="", returned_at="",
                closed_at="", supplement_requested_at="", updated_at="2021-12-20 08:00:00")
    write_rows(path, [*rows, late])

    before = {(r[0], r[1]): r for r in _processing(copy_of_built)}
    summary = run(copy_of_built, {day}, echo=lambda *_: None)
    assert {f.path.name: f.status for f in summary.files if f.status != "skipped"} == {path.name: "current"}
    after = {(r[0], r[1]): r for r in _processing(copy_of_built)}

    changed = {key for key in after if after[key] != before.get(key)}
    periods = _periods(copy_of_built)
    assert changed and all(k[1] == unit for k in changed)
    assert all(periods[p][1] >= day for p, _ in changed), "a period ending before the corrected day moved"
    for period, (start, end) in periods.items():
        b, a = before.get((period, unit)), after[(period, unit)]
        if start <= day <= end:
            assert a[3] == (b[3] if b else 0) + 1  # received_new_online
        elif start > day:
            assert a[4] == (b[4] if b else 0) + 1  # received_carried_over
    with duckdb.connect(str(copy_of_built.warehouse), read_only=True) as con:
        statuses = con.execute("select status from raw.load_manifest where extract_date = ? and source = 'dossiers' order by received_at", [day]).fetchall()
    assert statuses == [("superseded",), ("current",)]


def test_an_incremental_build_after_a_correction_equals_a_full_rebuild(copy_of_built):
    """A corrected extract for an old day drops one dossier, changes another and adds a third.
    The incremental build recomputes only the dossiers of the superseded and the new load,
    and must leave every table as a rebuild from scratch would."""
    day = dt.date(2021, 12, 20)
    folder = copy_of_built.landing / "dossiers"
    path = folder / f"dossiers_{day}.csv"
    rows = rows_of(path)
    elsewhere = {r["dossier_code"] for p in folder.glob("dossiers_*.csv") if p != path for r in rows_of(p)}
    dropped = next(r for r in rows if r["dossier_code"] not in elsewhere)
    changed = next(r for r in rows if r["dossier_code"] != dropped["dossier_code"] and r["finished_at"] == "")
    changed.update(status="9", finished_at=f"{day} 16:00:00")
    added = dict(changed, dossier_code=changed["unit_code"] + "-211220-99998", received_at=f"{day} 09:00:00")
    write_rows(path, [r for r in rows if r is not dropped] + [added])

    run(copy_of_built, {day}, echo=lambda *_: None)
    incremental = {table: contents(copy_of_built, table) for table in INCREMENTAL_AND_DEPENDENTS}
    with duckdb.connect(str(copy_of_built.warehouse), read_only=True) as con:
        codes = {c for (c,) in con.execute("select distinct dossier_code from intermediate.int_dossier_versions").fetchall()}
        flagged = con.execute("select count(*) from raw.load_manifest where rebuild_pending").fetchall()[0][0]
    assert dropped["dossier_code"] not in codes and added["dossier_code"] in codes
    assert flagged == 0, "a successful build leaves no load flagged for the next"

    build(copy_of_built, echo=lambda *_: None, full_refresh=True)
    for table, rows_before in incremental.items():
        assert contents(copy_of_built, table) == rows_before, f"{table} differs from a full rebuild"


INCREMENTAL_AND_DEPENDENTS = ["intermediate.int_dossier_versions", "intermediate.int_unit_period_counts",
                              "marts.dim_report_period", "marts.fct_dossier_processing", "marts.fct_kpi_scorecard",
                              "marts.fct_online_service_uptake", "marts.rpt_dossier_watchlist"]


def _processing(paths: Paths):
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        return con.execute("""select period_id, unit_code, received_total, received_new_online, received_carried_over,
                                     resolved_total, pending_total from marts.fct_dossier_processing""").fetchall()


def _periods(paths: Paths) -> dict[str, tuple[dt.date, dt.date]]:
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        return {p: (s, e) for p, s, e in con.execute("select period_id, period_start, period_end from marts.dim_report_period").fetchall()}
