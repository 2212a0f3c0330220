"""What `tthc status` prints: per source what is loaded, which days are missing, what was quarantined and why."""

from __future__ import annotations

import duckdb

from ingestion.contracts import sources
from tthc.config import Paths
from tthc.vn_format import number, percent


def status_lines(paths: Paths) -> list[str]:
    if not paths.warehouse.exists():
        return [f"no warehouse yet at {paths.warehouse}: run `tthc run --date D` first"]
    # Read-only: status must not wait for, or block, a writer longer than it takes to read.
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    try:
        lines = [f"warehouse  {paths.warehouse}", f"published  {paths.published}", ""]
        loaded = {source: rest for source, *rest in con.execute("""
            select source, count(*) filter (where status = 'current'),
                   min(extract_date) filter (where status = 'current'), max(extract_date) filter (where status = 'current'),
                   count(distinct extract_date) filter (where status = 'current'),
                   count(*) filter (where status = 'pending'), count(*) filter (where status = 'quarantined')
            from raw.load_manifest group by source""").fetchall()}
        for source in sorted(set(sources()) | set(loaded)):  # every source the contracts name, loaded or not
            current, first, last, days, pending, quarantined = loaded.get(source, (0, None, None, 0, 0, 0))
            if not current:
                lines.append(f"{source:18} never loaded" + (f" ({pending} pending, {quarantined} quarantined)"
                                                            if pending or quarantined else ""))
                continue
            span = (last - first).days + 1
            lines.append(f"{source:18} {current} current load(s), extracts {first} .. {last}"
                         + (f", {span - days} day(s) missing" if span > days else "")
                         + (f", {pending} pending" if pending else ""))
            if span > days:
                missing = con.execute("""
                    select cast(d as date) from generate_series(cast(? as timestamp), cast(? as timestamp), interval '1 day') t(d)
                    where cast(d as date) not in (select extract_date from raw.load_manifest where source = ? and status = 'current')
                    order by 1 limit 10""", [first, last, source]).fetchall()
                lines.append("           missing: " + ", ".join(str(m[0]) for m in missing))
        reports = dict(con.execute("select status, count(*) from raw.unit_report_files group by status").fetchall())
        lines.append(f"{'unit_reports':18} " + (", ".join(f"{n} {s}" for s, n in sorted(reports.items())) or "none received"))
        quarantined = con.execute("""
            select m.file_name, m.load_id, m.reason, m.received_at from raw.load_manifest m
            where m.status = 'quarantined' order by m.received_at desc limit 20""").fetchall()
        lines += ["", f"quarantined files: {len(quarantined)}" + (" (latest 20)" if len(quarantined) == 20 else "")]
        for name, load_id, reason, at in quarantined:
            lines.append(f"  {name}  [{load_id}, {at:%Y-%m-%d %H:%M}]")
            lines.append(f"    {reason}")
        lines += held_lines(con)
        lines += awaiting_gx_lines(con)
        lines += waiting_report_lines(con)
        lines += kpi_check_lines(con)
        lines += ended_unit_lines(con)
        last_run = con.execute("select run_id from audit.validation_results order by validated_at desc limit 1").fetchone()
        if last_run:
            failed = con.execute("""select suite, expectation, severity, unexpected_count from audit.validation_results
                                    where run_id = ? and not success order by suite, expectation""", [last_run[0]]).fetchall()
            lines += ["", f"last validation run {last_run[0]}: {len(failed)} check(s) failed"]
            lines += [f"  {suite}.{name} [{severity}]: {n} row(s)" for suite, name, severity, n in failed]
        return lines
    finally:
        con.close()


def ended_unit_lines(con: duckdb.DuckDBPyConnection, top: int = 10) -> list[str]:
    """Extract rows that name a unit not in force on their day (marts.rpt_extract_rows_of_ended_units):
    per unit, its last day, the days and rows, and the successor they count under, or why none."""
    if not has_table(con, "rpt_extract_rows_of_ended_units"):
        return []
    units = con.execute("""
        select unit_code, any_value(unit_name), any_value(unit_last_day), min(extract_date), max(extract_date),
               sum(extract_rows), string_agg(distinct source, ', ' order by source),
               any_value(successor_code), any_value(successor_name), any_value(basis)
        from marts.rpt_extract_rows_of_ended_units
        group by unit_code order by sum(extract_rows) desc, unit_code""").fetchall()
    if not units:
        return []
    out = ["", f"extract rows naming a unit not in force on their day: {len(units)} unit(s), "
               f"{number(sum(u[5] for u in units))} row(s) (marts.rpt_extract_rows_of_ended_units)"]
    for code, name, last, first_day, last_day, rows, source, successor, successor_name, basis in units[:top]:
        ended = f"ended {last:%d/%m/%Y}" if last else "not in the register"
        where = (f"counted under {successor} {successor_name}" if successor
                 else f"in no unit's figures ({basis})")
        out.append(f"  {code} {name or ''} ({ended}): {number(rows)} {source} row(s) "
                   f"{first_day:%d/%m/%Y} – {last_day:%d/%m/%Y}; {where}")
    if len(units) > top:
        out.append(f"  … and {len(units) - top} more")
    return out


def held_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Corrections held because they would remove much of their day, with how to apply one."""
    held = con.execute("select file_name, load_id, reason, received_at from raw.load_manifest "
                       "where status = 'held' order by received_at").fetchall()
    if not held:
        return []
    out = ["", f"held corrections (not applied; `tthc accept LOAD_ID --by NAME` applies one): {len(held)}"]
    for name, load_id, reason, at in held:
        out += [f"  {name}  [{load_id}, {at:%Y-%m-%d %H:%M}]", f"    {reason}"]
    return out


def awaiting_gx_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Loads the SQL checks decided that Great Expectations has not confirmed yet (decision
    0024): after a run, none; some left mean the confirmation failed or was not run."""
    if not has_table(con, "loads_awaiting_gx", "raw"):     # a warehouse no run of this version has written yet
        return []
    n, oldest = con.execute("select count(*), min(decided_at) from raw.loads_awaiting_gx").fetchone()
    if not n:
        return []
    return ["", f"loads awaiting Great Expectations' confirmation: {n} (decided since {oldest:%Y-%m-%d %H:%M}); "
                "the next run's confirmation checks them, and its error, if any, says where GX and the SQL "
                "load checks disagree"]


def waiting_report_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The unit reports that wait for the office (audit.unit_reports_waiting), with what is missing."""
    waiting = con.execute("select file_name, missing, since from audit.unit_reports_waiting order by since").fetchall()
    if not waiting:
        return []
    out = ["", f"unit reports waiting for the office: {len(waiting)}"]
    for name, missing, since in waiting:
        out.append(f"  {name} (since {since:%Y-%m-%d %H:%M})")
        out += [f"    {part}" for part in missing.split("; ")]
    return out


def kpi_check_lines(con: duckdb.DuckDBPyConnection, top: int = 20) -> list[str]:
    """The KPI tables' verdicts and changes that their own rates contradict
    (marts.fct_unit_report_kpi_checks), each with file, sheet, row and column."""
    if not has_table(con, "fct_unit_report_kpi_checks"):
        return []
    rows = con.execute("""
        select file_name, sheet, row_number, unit_name_printed, kpi, verdict_holds, verdict_column, reported_verdict,
            reported_rate, target_rate, expected_verdict, change_holds, change_column, reported_change, expected_change,
            previous_period_end
        from marts.fct_unit_report_kpi_checks
        where not verdict_holds or not change_holds
        order by file_name, sheet, row_number, kpi""").fetchall()
    if not rows:
        return []
    out = ["", f"KPI table entries their own figures contradict: {len(rows)} (marts.fct_unit_report_kpi_checks)"]
    for (file, sheet, row, unit, kpi, verdict_ok, v_col, verdict, rate, target, expected, change_ok, c_col,
         change, expected_change, previous) in rows[:top]:
        where = f"  {file} / {sheet}, row {row} ({unit}, {kpi})"
        if verdict_ok is False:
            out.append(f"{where}, column {v_col}: {verdict!r} for {percent(rate)} against the target "
                       f"{percent(target)}: expected {expected!r}")
        if change_ok is False:
            out.append(f"{where}, column {c_col}: change {percent(change)} but {percent(expected_change)} "
                       f"since the table ending {previous:%d/%m/%Y}")
    if len(rows) > top:
        out.append(f"  … and {len(rows) - top} more")
    return out


def has_table(con: duckdb.DuckDBPyConnection, name: str, schema: str = "marts") -> bool:
    """Before the first build the marts do not exist (nor, in an older warehouse, a newer raw
    table): their lines are then left out."""
    return bool(con.execute("select 1 from information_schema.tables where table_schema = ? and table_name = ?",
                            [schema, name]).fetchall())
