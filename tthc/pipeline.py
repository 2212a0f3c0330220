"""The pipeline's steps. The command line and the Airflow DAG call these same functions.

ingest -> validate_loads -> build -> publish -> document -> export -> confirm_load_checks.
Each step opens the warehouse, does its work and closes it, so that steps can run as
separate Airflow tasks (one writer at a time: see docs/decisions/0001-one-writer-published-copy.md);
`run` hands ingest and validate_loads one connection (opening the warehouse costs about as
much as checking a day's file).
The marts' identities that hold by construction are dbt tests, run by the build; the checks
of what others deliver (the extracts, the units' reports) are Great Expectations suites, the
extracts' decided as SQL and confirmed by GX after publish (decision 0024).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingestion.contracts import load_contract, sources
from ingestion.corrections import correction_drop
from ingestion.loader import FileOutcome, decide, extract_date_of, landed_files, load_file, write_quarantine_report
from ingestion.reader import Issue
from ingestion.unit_report_loader import ReportOutcome, landed_reports, load_report
from tthc.config import Paths
from tthc.dbt import project_fingerprint, run_dbt
from tthc.pii import pii_key, refresh_applicant_keys
from tthc.vn_format import number
from warehouse.database import connect, insert_rows
from warehouse.publish import publish_for_readers


@dataclass
class RunSummary:
    run_id: str
    files: list[FileOutcome] = field(default_factory=list)
    quarantined_after_validation: dict[str, list[Issue]] = field(default_factory=dict)
    unit_reports: list[ReportOutcome] = field(default_factory=list)
    reconciliation: list[str] = field(default_factory=list)
    disagreement: str | None = None   # GX's confirmation of the load checks failed (decision 0024)

    def lines(self) -> list[str]:
        by_status = defaultdict(int)
        for f in self.files:
            by_status[f.status] += 1
        out = [f"run {self.run_id}: {len(self.files)} file(s) seen — " + ", ".join(f"{n} {s}" for s, n in sorted(by_status.items()))]
        checked = self.quarantined_after_validation
        for f in self.files:
            if f.status == "quarantined":
                by_checks = f" ({f.load_id}, load checks)" if f.load_id in checked else ""
                out.append(f"  QUARANTINED {f.name}{by_checks}: " + "; ".join(i.describe() for i in f.issues[:3]))
            elif f.note.startswith("ignored unknown headers"):
                out.append(f"  {f.name}: {f.note}")
        held = {f.load_id for f in self.files if f.status == "held"}
        named = {f.load_id for f in self.files if f.status == "quarantined" and f.issues}   # said above, with the file
        for load_id, issues in checked.items():
            if load_id in named:
                continue
            what = "HELD" if load_id in held else "QUARANTINED"
            out.append(f"  {what} {load_id} (load checks): " + "; ".join(i.describe() for i in issues[:3]))
        out += [f"  {line}" for r in self.unit_reports for line in r.lines()]
        out += self.reconciliation
        if self.disagreement:
            out.append(f"LOAD CHECKS NOT CONFIRMED: {self.disagreement}")
        return out


def new_run_id() -> str:
    return dt.datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def dates_between(start: dt.date, end: dt.date) -> set[dt.date]:
    if end < start:
        raise ValueError(f"--to {end} is before --from {start}")
    return {start + dt.timedelta(days=i) for i in range((end - start).days + 1)}


@contextmanager
def _writing(paths: Paths, con: duckdb.DuckDBPyConnection | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The caller's connection to the warehouse, or one opened for this step alone."""
    if con is not None:
        yield con
        return
    with connect(paths.warehouse) as opened:
        yield opened


def ingest(paths: Paths, dates: set[dt.date] | None, run_id: str, progress=None,
           con: duckdb.DuckDBPyConnection | None = None) -> list[FileOutcome]:
    """Load every landed file of the given extract dates (all dates if None), each in its own transaction."""
    pii_key()  # refuse a production run without its key before loading anything, not at the build
    paths.ensure()
    work = []
    for source in sources():
        files = landed_files(paths.landing, source)
        by_day = defaultdict(list)
        for path in files:
            by_day[extract_date_of(path)].append(path)
        for path in files:
            day = extract_date_of(path)
            if dates is None or day is None or day in dates:
                same_day = [p for p in by_day[day] if p != path] if day else []
                work.append((source, path, same_day))
    outcomes = []
    with _writing(paths, con) as con:
        # loads recorded before the manifest named the province were this home's own
        con.execute("update raw.load_manifest set province_code = ? where province_code is null", [paths.province_code])
        for i, (source, path, same_day) in enumerate(work, start=1):
            outcomes.append(load_file(con, path, source, run_id, paths.quarantine, same_day, paths.province_code))
            if progress:
                progress(i, len(work))
    return outcomes


def ingest_unit_reports(paths: Paths, run_id: str, echo=print) -> list[ReportOutcome]:
    """Load every landed unit report not yet loaded; check each table's arithmetic. Unit
    names resolve in the home's own register."""
    from ingestion.unit_names import register

    outcomes, units = [], None
    with connect(paths.warehouse) as con:
        for path in landed_reports(paths.landing):
            units = units or register(paths)
            outcome = load_report(con, path, run_id, paths.quarantine, paths.gx_project, units)
            if outcome.status != "skipped":
                outcomes.append(outcome)
                for line in outcome.lines():
                    echo(line)
    return outcomes


def reconciliation_lines(paths: Paths, top: int = 5) -> list[str]:
    """Per unit report, the units whose self-reported dossiers the portal misses most."""
    from warehouse.status import has_table

    with connect(paths.warehouse, read_only=True) as con:
        if not has_table(con, "fct_unit_report_reconciliation"):
            return []
        reports = con.execute("""
            select file_name, sheet, period_label, sum(received_reported), sum(received_portal), sum(received_gap)
            from marts.fct_unit_report_reconciliation group by all order by file_name, sheet""").fetchall()
        out = []
        for file, sheet, period, reported, portal, gap in reports:
            out.append(f"  reconciliation {file} / {sheet} ({period}): units reported {number(reported)} received, "
                       f"the portal has {number(portal)}: {number(gap)} not in the portal")
            for name, code, g, share in con.execute("""
                    select unit_name_printed, unit_code, received_gap, received_gap_share
                    from marts.fct_unit_report_reconciliation where file_name = ? and sheet = ?
                    order by received_gap_rank limit ?""", [file, sheet, top]).fetchall():
                out.append(f"    {name} ({code}): {number(g)} ({share:.0%} of what it reported)")
    return out


def marts_findings(paths: Paths) -> list[str]:
    """What the marts find after a build, as `tthc status` lists it: the KPI tables' entries
    their own figures contradict, the extract rows of units not in force on their day."""
    from warehouse.status import ended_unit_lines, kpi_check_lines

    with connect(paths.warehouse, read_only=True) as con:
        return kpi_check_lines(con) + ended_unit_lines(con)


def validate_loads(paths: Paths, run_id: str, echo=print, con: duckdb.DuckDBPyConnection | None = None) -> dict[str, list[Issue]]:
    """Run the load checks on every pending load; make each current, quarantine it or hold it.
    Returns the quarantined and the held, with their reasons.

    The checks run as SQL over the loads' rows in the warehouse (expectations/sql_checks.py);
    Great Expectations validates the same rows again after the marts are published
    (``confirm_load_checks``), off the path between a day's files and its marts."""
    from expectations.runner import record
    from expectations.sql_checks import run_checks
    from expectations.suites import load_checks

    quarantined: dict[str, list[Issue]] = {}
    with _writing(paths, con) as con:
        for source in sources():
            contract = load_contract(source)
            pending = [r[0] for r in con.execute(
                "select load_id from raw.load_manifest where source = ? and status = 'pending' order by extract_date, received_at",
                [source]).fetchall()]
            if not pending:
                continue
            total = con.execute("select sum(coalesce(row_count, 0)) from raw.load_manifest where list_contains(?, load_id)",
                                [pending]).fetchone()[0]
            echo(f"validating {len(pending)} {source} load(s), {total:,} rows")
            outcomes = run_checks(con, f"raw.{source}", pending, load_checks(contract, paths.register))
            issues: dict[str, list[Issue]] = defaultdict(list)
            for o in outcomes:
                if not o.success and o.check.severity == "finding":   # reported, the load goes on
                    rows = ", ".join(f"{r['_load_id']} row {r['_row_number']}" for r in o.unexpected_rows[:3])
                    echo(f"  finding {source}: {o.unexpected_count} row(s) fail {o.check.name} ({o.check.explain}): {rows}")
                if o.success or o.check.severity != "error":
                    continue
                for row in o.unexpected_rows:
                    issues[row["_load_id"]].append(_failed_check(o.check, row))
            # the results and the decisions in one transaction: a task retried after a failure
            # finds the loads still pending and records them once, as one attempt would
            # (the quarantine reports are written first: a retry that finds the loads decided
            # must not find a report missing; one written for a load left pending is rewritten)
            # a correction that passes its checks but would erase much of its day is held
            held = {load_id: c for load_id in pending if load_id not in issues
                    and (c := correction_drop(con, load_id)) is not None}
            for load_id in pending:
                if load_id in issues or load_id in held:
                    reasons = issues.get(load_id) or [Issue(held[load_id].describe(load_id))]
                    quarantined[load_id] = reasons
                    path, sha = con.execute("select file_path, file_sha256 from raw.load_manifest where load_id = ?", [load_id]).fetchone()
                    write_quarantine_report(paths.quarantine, source, Path(path), load_id, sha, reasons,
                                            held=load_id in held)
            con.begin()
            try:
                record(con, run_id, f"{source}_load", outcomes)
                for load_id in pending:
                    decide(con, load_id, issues.get(load_id, []), held.get(load_id))
                # (a load validated again, an earlier version delivered anew, is queued once)
                con.execute("delete from raw.loads_awaiting_gx where list_contains(?, load_id)", [pending])
                insert_rows(con, "raw.loads_awaiting_gx", [
                    {"load_id": load_id, "source": source, "run_id": run_id, "decided_at": dt.datetime.now()}
                    for load_id in pending])
                con.commit()
            except BaseException:
                con.rollback()
                raise
    return quarantined


class ChecksDisagree(RuntimeError):
    """Great Expectations and the SQL load checks found different rows: a load may have been
    decided wrongly, and the SQL form of a check must be mended (expectations/sql_checks.py)."""


def confirm_load_checks(paths: Paths, echo=print) -> int:
    """Validate with Great Expectations every load the SQL checks decided since the last
    confirmation, show the results in the Data Docs, and stop with ChecksDisagree where GX
    fails other rows than SQL did. Returns the number of loads confirmed.

    Runs after publish (the marts do not wait for it); the loads stay queued in
    ``raw.loads_awaiting_gx`` until confirmed, so a failed or interrupted confirmation is
    done by the next run."""
    from expectations.runner import merge_outcomes, update_data_docs, validate
    from expectations.sql_checks import ID_COLUMNS, run_checks
    from expectations.suites import load_checks

    confirmed = 0
    with connect(paths.warehouse) as con:
        for source in sources():
            queued = [r[0] for r in con.execute(
                "select q.load_id from raw.loads_awaiting_gx q join raw.load_manifest m using (load_id) "
                "where q.source = ? order by m.extract_date, m.received_at", [source]).fetchall()]
            if not queued:
                continue
            contract = load_contract(source)
            checks = load_checks(contract, paths.register)
            wanted = sorted({*ID_COLUMNS, *contract.unique_key, *_checked_columns(checks)})
            batches = _validation_batches(con, queued)
            echo(f"Great Expectations: validating again {len(queued)} {source} load(s)"
                 + (f" in {len(batches)} batches" if len(batches) > 1 else ""))
            by_gx = []
            for load_ids, _ in batches:
                frame = con.execute(f"select {', '.join(wanted)} from raw.{source} where _load_id in "
                                    f"(select unnest(?::varchar[]))", [load_ids]).df()
                by_gx.append(validate(paths.gx_project, f"{source}_load", frame, checks, list(ID_COLUMNS), docs=False))
                del frame
            by_gx = merge_outcomes(by_gx)
            statuses = dict(con.execute("select load_id, status from raw.load_manifest where list_contains(?, load_id)",
                                        [queued]).fetchall())
            disagreements = (_disagreements(by_gx, run_checks(con, f"raw.{source}", queued, checks))
                             + _wrong_decisions(by_gx, statuses))
            if disagreements:
                update_data_docs(paths.gx_project)   # GX's own view, to look at
                raise ChecksDisagree(f"{source}: Great Expectations disagrees with the SQL load checks on "
                                     f"{len(queued)} load(s) ({', '.join(queued[:3])}{' …' if len(queued) > 3 else ''}): "
                                     + "; ".join(disagreements)
                                     + ". Mend the check's SQL form (expectations/sql_checks.py); the loads stay "
                                       "queued for the next confirmation")
            con.execute("delete from raw.loads_awaiting_gx where list_contains(?, load_id)", [queued])
            confirmed += len(queued)
    update_data_docs(paths.gx_project)   # once for every source validated
    return confirmed


def _wrong_decisions(by_gx, statuses: dict[str, str]) -> list[str]:
    """Each load quarantined although GX fails none of its rows on a blocking check, or let
    through although it does (a load's decision was made on the SQL checks' results)."""
    failing = {r["_load_id"] for o in by_gx if o.check.severity == "error" for r in o.unexpected_rows}
    out = [f"{load_id} was quarantined by the load checks, yet GX fails none of its rows"
           for load_id, status in statuses.items() if status == "quarantined" and load_id not in failing]
    out += [f"{load_id} was made {statuses[load_id]}, yet GX fails its rows on a blocking check"
            for load_id in sorted(failing) if statuses.get(load_id) != "quarantined"]
    return out


def _disagreements(by_gx, by_sql) -> list[str]:
    """Each check whose failing rows differ between the two, named with a few of the rows."""
    out = []
    for gx_outcome, sql_outcome in zip(by_gx, by_sql):
        gx_rows = {(r["_load_id"], r["_row_number"]) for r in gx_outcome.unexpected_rows}
        sql_rows = {(r["_load_id"], r["_row_number"]) for r in sql_outcome.unexpected_rows}
        if gx_rows != sql_rows or gx_outcome.unexpected_count != sql_outcome.unexpected_count:
            only_gx, only_sql = sorted(gx_rows - sql_rows)[:3], sorted(sql_rows - gx_rows)[:3]
            out.append(f"{gx_outcome.check.name}: GX fails {gx_outcome.unexpected_count} row(s), SQL "
                       f"{sql_outcome.unexpected_count} (only GX: {only_gx}; only SQL: {only_sql})")
    return out


# Rows Great Expectations validates in one DataFrame when it confirms the load checks: a
# one-pass backfill of a year at national scale holds hundreds of millions of rows, more
# than memory; a day holds a few hundred thousand.
VALIDATION_BATCH_ROWS = 2_000_000


def _validation_batches(con, load_ids: list[str]) -> list[tuple[list[str], int]]:
    """The loads in order, grouped so that a group holds at most VALIDATION_BATCH_ROWS rows (a
    load larger than that is a group of its own: every check is per load or per row)."""
    counts = dict(con.execute("select load_id, coalesce(row_count, 0) from raw.load_manifest "
                              "where load_id in (select unnest(?::varchar[]))", [load_ids]).fetchall())
    batches: list[tuple[list[str], int]] = []
    for load_id in load_ids:
        n = counts.get(load_id, 0)
        if batches and batches[-1][1] + n <= VALIDATION_BATCH_ROWS:
            batches[-1][0].append(load_id)
            batches[-1] = (batches[-1][0], batches[-1][1] + n)
        else:
            batches.append(([load_id], n))
    return batches


def settle(paths: Paths, files: list[FileOutcome]) -> None:
    """Give each file loaded as 'pending' the status the load checks left it in (current,
    quarantined, held) and, when quarantined, their reasons, so that a run's summary says
    what became of every file and why."""
    pending = [f for f in files if f.status == "pending"]
    if not pending:
        return
    with connect(paths.warehouse, read_only=True) as con:
        final = dict(con.execute("select load_id, status from raw.load_manifest where list_contains(?, load_id)",
                                 [[f.load_id for f in pending]]).fetchall())
        quarantined = [f.load_id for f in pending if final.get(f.load_id) == "quarantined"]
        found = con.execute("select load_id, problem, row_number, column_name, value from raw.quarantine_issues "
                            "where list_contains(?, load_id) order by load_id, row_number nulls first",
                            [quarantined]).fetchall() if quarantined else []
    for f in pending:
        f.status = final.get(f.load_id, f.status)
        if f.status == "quarantined":   # the load checks' reasons, so that the run's summary names them
            f.issues = [Issue(problem, row, column, value) for load_id, problem, row, column, value in found
                        if load_id == f.load_id]


def _text(value) -> str | None:
    return None if value is None else str(value)


def _failed_check(check, row: dict) -> Issue:
    """One row failing a load check, named by row, column and value (for a key: its columns and values)."""
    key = [c for c in check.kwargs.get("column_list", []) if not c.startswith("_")]   # _load_id: per extract
    if key:
        value = ", ".join(_text(row.get(c)) or "" for c in key) if len(key) > 1 else _text(row.get(key[0]))
        return Issue(f"fails check {check.name} ({check.explain}): the same {' + '.join(key)} is on more than one row",
                     row_number=row["_row_number"], column=", ".join(key), value=value)
    column = check.kwargs.get("column") or check.kwargs.get("column_B")
    return Issue(f"fails check {check.name} ({check.explain})", row_number=row["_row_number"],
                 column=column, value=_text(row.get(column)))


def _checked_columns(checks) -> set[str]:
    from expectations.sql_checks import read_columns

    return {column for check in checks for column in read_columns(check)}


def build(paths: Paths, echo=print, vars: dict | None = None, full_refresh: bool = False) -> None:
    """dbt build: seeds, every model, their tests (the unit tests when the project changed).

    The dossier models are incremental: they recompute only the dossiers of loads flagged
    ``rebuild_pending`` (made current or superseded since the last build), and the flags are
    cleared once the build succeeds, so a failed build leaves them for the next one
    (docs/decisions/0008-incremental-dossier-models.md). ``full_refresh`` rebuilds everything.
    """
    key = pii_key()
    with connect(paths.warehouse) as con:
        refresh_applicant_keys(con, key, recompute=full_refresh)
        if full_refresh:  # so that the build's tests check every row, not only the day's
            con.execute("update raw.load_manifest set rebuild_pending = true where status in ('current', 'superseded')")
        flagged = [r[0] for r in con.execute("select load_id from raw.load_manifest where rebuild_pending").fetchall()]
    # the unit tests read fixed inputs, not the warehouse: their verdict changes only with the
    # project or dbt's and DuckDB's versions, so they run when one of these changed since they
    # last passed (decision 0021), and at every full refresh
    project = project_fingerprint()
    passed = paths.dbt_target / UNIT_TESTS_STAMP
    unit_tests_known = not full_refresh and passed.exists() and passed.read_text(encoding="utf-8") == project
    run_dbt(paths, ["build", *(["--full-refresh"] if full_refresh else []),
                    *(["--exclude-resource-type", "unit_test"] if unit_tests_known else [])], vars=vars, echo=echo)
    if not unit_tests_known:
        passed.write_text(project, encoding="utf-8")
    if flagged:
        with connect(paths.warehouse) as con:
            con.execute("update raw.load_manifest set rebuild_pending = false where list_contains(?, load_id)", [flagged])


UNIT_TESTS_STAMP = "unit_tests.passed.sha256"   # in dbt's target folder: the project whose unit tests last passed


def report_period(paths: Paths, start: dt.date, end: dt.date, echo=print) -> str:
    """Add the free period [start, end] (a single day when equal) to every mart, publish, and
    return its period_id. It stays until the next run, which builds the standard periods only."""
    if end < start:
        raise ValueError(f"--to {end} is before --from {start}")
    build(paths, echo, vars={"report_from": start.isoformat(), "report_to": end.isoformat()})
    publish(paths, echo)
    with connect(paths.published, read_only=True) as con:  # dim_report_period names it
        return con.execute("select period_id from marts.dim_report_period where period_kind = 'adhoc'").fetchone()[0]


def build_postgres(paths: Paths, echo=print, pg=None) -> None:
    """The same marts on PostgreSQL: mirror raw there, then dbt build --target postgres
    (a full build; connection from TTHC_PG_*, see warehouse/postgres_target.py)."""
    from warehouse.postgres_target import PgSettings, mirror_raw

    pg = pg or PgSettings.from_env()
    mirror_raw(paths.warehouse, pg, echo)
    run_dbt(paths, ["build", "--full-refresh"], echo=echo, target_env=pg.env())
    echo(f"built the marts on PostgreSQL {pg.user}@{pg.host}:{pg.port}/{pg.dbname}")


def build_spark(paths: Paths, echo=print, spark=None) -> None:
    """The same marts on Spark: export raw as Parquet, then dbt build --target spark (a full
    build; local Spark under <home>/spark unless TTHC_SPARK_* say otherwise, see
    warehouse/spark_target.py)."""
    from warehouse.spark_target import SparkSettings, check_java, export_raw

    spark = spark or SparkSettings.under(paths.home)
    # the session method runs Spark's driver in dbt's process, whatever the master: Java is needed here
    echo(f"Spark's driver runs in dbt's process (master {spark.master}) on {check_java()}")
    if spark.raw and "://" not in spark.raw:  # a bucket is written by whoever puts raw there; none: raw is in the catalog
        export_raw(paths.warehouse, Path(spark.raw), echo)
    run_dbt(paths, ["build", "--full-refresh"], echo=echo, target_env=spark.env())
    echo(f"built the marts on Spark ({spark.master}), schema marts, tables in {spark.home / 'warehouse'}")


def source_freshness(paths: Paths, echo=print) -> None:
    """dbt source freshness: is each daily source's latest extract recent? Raises DbtFailed when stale."""
    run_dbt(paths, ["source", "freshness"], echo=echo)


def publish(paths: Paths, echo=print) -> None:
    publish_for_readers(paths.warehouse, paths.published, paths.parquet)
    echo(f"published {paths.published} and Parquet exports in {paths.parquet}")


def document(paths: Paths, echo=print, force: bool = False) -> None:
    """dbt docs of this build (models, columns, lineage, the exposures that read the marts),
    as one self-contained HTML file beside the published copy.

    Generated again only when what they show may have changed: the dbt project's files, dbt's
    version or the warehouse's relations and columns (dbt-duckdb's catalog holds no row counts
    or other statistics, so a day's new rows change nothing in them). Otherwise the published
    docs are kept (docs/decisions/0021-fixed-costs-off-the-daily-path.md); ``force`` generates
    them regardless."""
    import shutil

    from warehouse.files import replace_atomically

    fingerprint = docs_fingerprint(paths)
    stamp = paths.dbt_target / DOCS_STAMP
    if not force and paths.dbt_docs.exists() and stamp.exists() and stamp.read_text(encoding="utf-8") == fingerprint:
        echo(f"the dbt docs {paths.dbt_docs} are current (the project and the warehouse's columns have not changed)")
        return
    stamp.unlink(missing_ok=True)
    run_dbt(paths, ["docs", "generate", "--static"], echo=echo)
    replace_atomically(paths.dbt_docs, lambda tmp: shutil.copyfile(paths.dbt_target / "static_index.html", tmp))
    stamp.write_text(fingerprint, encoding="utf-8")
    echo(f"wrote the dbt docs {paths.dbt_docs}")


DOCS_STAMP = "dbt_docs.inputs.sha256"   # in dbt's target folder: what the published dbt docs were generated from


def docs_fingerprint(paths: Paths) -> str:
    """SHA-256 of what dbt docs show: dbt's version and the project's files
    (``tthc.dbt.project_fingerprint``) and, from the warehouse, every relation's kind and
    comment and every column's name, position, type and comment (dbt's catalog reads
    exactly these on DuckDB)."""
    import hashlib

    digest = hashlib.sha256(project_fingerprint().encode())
    with connect(paths.warehouse, read_only=True) as con:
        relations = con.execute("""
            select schema_name, table_name, 'table' as kind, comment from duckdb_tables()
            where database_name = current_database() and not internal
            union all
            select schema_name, view_name, 'view', comment from duckdb_views()
            where database_name = current_database() and not internal
            order by all""").fetchall()
        columns = con.execute("""
            select schema_name, table_name, column_index, column_name, data_type, comment from duckdb_columns()
            where database_name = current_database() and not internal order by all""").fetchall()
    digest.update(repr((relations, columns)).encode())
    return digest.hexdigest()


def export(paths: Paths, echo=print, day: dt.date | None = None) -> None:
    """What people read, from the published copy: the Excel report of the month of ``day``
    (the run's extract day: a backfill of March writes March's, not September's) and the
    dashboard opened on that month; without a day, the latest month. ``tthc excel
    --period`` writes any other period."""
    from warehouse.dashboard import write_dashboard
    from warehouse.excel_report import write_report

    period_id = f"month_{day:%Y_%m}" if day else None
    with connect(paths.published, read_only=True) as con:
        months = {p for (p,) in con.execute("select period_id from marts.dim_report_period where period_kind = 'month'").fetchall()}
    if not months:
        # every dossier extract so far was quarantined: there is no month to report yet
        echo("no month in the marts yet (no current dossier extract): no Excel report or dashboard written")
        return
    if period_id and period_id not in months:
        echo(f"no data for {day:%d/%m/%Y} in the marts: the Excel report is the latest month's")
        period_id = None
    workbook = write_report(paths.published, period_id, paths.reports, day)
    write_dashboard(paths.published, paths.dashboard, period_id)
    echo(f"wrote the Excel report {workbook} and the dashboard {paths.dashboard}")


def run(paths: Paths, dates: set[dt.date] | None, run_id: str | None = None, echo=print, progress=None,
        full_refresh: bool = False) -> RunSummary:
    """The whole flow for a day or a range, in one pass."""
    summary = RunSummary(run_id or new_run_id())
    echo(f"ingesting {len(dates) if dates else 'all'} day(s) of extracts")
    pii_key()   # as ingest does: refused before the warehouse is opened, let alone created
    with connect(paths.warehouse) as con:
        summary.files = ingest(paths, dates, summary.run_id, progress, con)
        summary.quarantined_after_validation = validate_loads(paths, summary.run_id, echo, con)
    settle(paths, summary.files)
    summary.unit_reports = ingest_unit_reports(paths, summary.run_id, echo)
    build(paths, echo, full_refresh=full_refresh)
    summary.reconciliation = reconciliation_lines(paths) + marts_findings(paths)
    publish(paths, echo)
    document(paths, echo)
    export(paths, echo, day=max(dates) if dates else None)
    try:
        confirm_load_checks(paths, echo)
    except ChecksDisagree as exc:   # the run's own summary first; the command then fails
        summary.disagreement = str(exc)
    return summary
