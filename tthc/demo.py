"""`tthc demo` (and `make demo`): generated extracts at province scale, end to end.

By default the 2022 campaign, summarised for seed 000's period; with ``--from/--to`` any
range (for example one across the 2025 reform), summarised for its last complete month in
the structure in force then.
"""

from __future__ import annotations

import calendar
import datetime as dt
import time
from dataclasses import dataclass

import duckdb

from tthc.config import Paths
from tthc.dbt import print_summary
from tthc.scorecard import scorecard_lines
from tthc.generator import generate
from tthc.pipeline import dates_between, run
from tthc.vn_format import number, percent
from warehouse.excel_report import write_report

CAMPAIGN_START, CAMPAIGN_END = dt.date(2021, 12, 15), dt.date(2022, 9, 2)


@dataclass(frozen=True)
class DemoRange:
    start: dt.date
    end: dt.date
    summary_period: str      # the period the summary speaks of (a period_id of dim_report_period)
    payments_day: dt.date    # the day whose year-to-date payments it prints
    why: str                 # what the summary period is, for the reader


# seed 000's period (15/12/2021 – 14/03/2022) and its appendix 5 (payments 01/01 – 15/05/2022)
CAMPAIGN = DemoRange(CAMPAIGN_START, CAMPAIGN_END, "campaign_2022_q1", dt.date(2022, 5, 15), "seed 000's period")


def demo_range(start: dt.date, end: dt.date) -> DemoRange:
    """A range's summary: its last complete month (the month of ``end`` if the range covers it
    to its last day, else the month before, if the range reaches it), payments to ``end``."""
    if end < start:
        raise ValueError(f"--to {end} is before --from {start}")
    month = end.replace(day=1)
    if end.day != calendar.monthrange(end.year, end.month)[1]:
        previous = (month - dt.timedelta(days=1)).replace(day=1)
        month = previous if previous >= start.replace(day=1) else month
    return DemoRange(start, end, f"month_{month:%Y_%m}", end, f"the last complete month of {start:%d/%m/%Y} – {end:%d/%m/%Y}")


def run_demo(paths: Paths, scale: float = 1.0, span: DemoRange = CAMPAIGN) -> int:
    paths.ensure()
    started = time.monotonic()
    print(f"1/2 generating the portal's daily extracts {span.start:%d/%m/%Y} – {span.end:%d/%m/%Y} (scale {scale}) into {paths.landing}", flush=True)
    summary = generate(paths.landing, span.start, span.end, scale=scale, progress=_every_30("days written"))
    print(f"    {summary.days} days, {number(summary.extract_rows)} extract rows, {number(summary.dossiers)} dossiers received", flush=True)
    print("2/2 running the pipeline over the whole range in one pass (ingest, validate, dbt build, check, publish)", flush=True)
    result = run(paths, dates_between(span.start, span.end), echo=print_summary, progress=_every_30("files loaded"))
    print("\n".join(result.lines()))
    print()
    write_report(paths.published, span.summary_period, paths.reports)  # beside the latest month's, which the run wrote
    print("\n".join(kpi_summary(paths, span)))
    print(f"\nDone in {time.monotonic() - started:.0f} s.")
    return 0


def kpi_summary(paths: Paths, span: DemoRange = CAMPAIGN) -> list[str]:
    period = span.summary_period
    con = duckdb.connect(str(paths.published), read_only=True)
    try:
        label, province, province_name, spans = con.execute("""
            select p.period_label, p.province_code, h.unit_name, p.spans_reorganisation
            from marts.dim_report_period as p
            left join marts.dim_unit_history as h on h.unit_code = p.province_code and p.as_of_day between h.valid_from and h.valid_until
            where p.period_id = ?""", [period]).fetchone()
        rate = con.execute("""select online_dossiers, total_dossiers, rate, target_rate, verdict from marts.fct_online_dossier_rate
                              where period_id = ? and scope = 'province'""", [period]).fetchone()
        uptake = con.execute("""select services_with_online_dossiers, online_services, rate, target_rate, verdict
                                from marts.fct_online_service_uptake where period_id = ? and scope = 'province'""", [period]).fetchone()
        sections = con.execute("""select section, count(*) from marts.dim_report_period_unit where period_id = ?
                                  group by section order by section""", [period]).fetchall()
        total = con.execute("""select received_total, resolved_total, resolved_overdue, pending_total, closed_otherwise
                               from marts.rpt_processing_report where period_id = ? and row_kind = 'total'""", [period]).fetchone()
        others = scorecard_lines(con, period, ["on_time_resolution", "digitization", "online_payment_rate", "online_reporting"])
        payments_day = con.execute("select least(?, max(report_date)) from marts.rpt_payments", [span.payments_day]).fetchone()[0]
        payments = con.execute("""select kind_label, ytd_transactions, ytd_amount_vnd from marts.rpt_payments
                                  where report_date = ? and is_province order by kind""", [payments_day]).fetchall()
        # the first complete quarter of GRIS entries the range holds
        quarter, gris = _gris_quarter(con, span)
        index = con.execute("""select points_scored, points_possible from marts.rpt_service_index
                               where period_id = ? and scope = 'province' and group_code = 'total'""", [period]).fetchone()
        lowest = con.execute("""select unit_name, rate from marts.fct_online_dossier_rate
                                where period_id = ? and scope = 'unit' and total_dossiers >= 100
                                order by rate limit 3""", [period]).fetchall()
    finally:
        con.close()
    structure = ", ".join(f"section {sec}: {n} units" for sec, n in sections)
    return [
        f"{province_name} ({province}), {label} ({span.why}; {structure}"
        + ("; the period spans the 2025 reform: reported by the units at its end" if spans else "") + "):",
        f"  online dossier rate     {percent(rate[2])} ({number(rate[0])} of {number(rate[1])} received online); "
        f"target {percent(rate[3])}: {rate[4] or 'no target for the period'}",
        f"  online-service uptake   {percent(uptake[2])} ({number(uptake[0])} of {number(uptake[1])} online services); "
        f"target {percent(uptake[3])}: {uptake[4] or 'no target for the period'}",
        f"  processing report       {number(total[0])} received, {number(total[1])} resolved ({number(total[2])} overdue), {number(total[3])} pending;"
        f" {number(total[4])} left otherwise (refused, withdrawn, stopped)",
        "  lowest online rates     " + "; ".join(f"{name} {percent(r)}" for name, r in lowest),
        *others,
        f"  service index (766)     {index[0]:.1f} points of the {index[1]:.0f} we hold data for".replace(".", ",")
        + " (publicity, satisfaction, 2 payment indicators: no data)",
        f"  GRIS {quarter:<18} " + ("; ".join(f"{form} {label}" for form, label in gris) or "no complete quarter in the range"),
        f"  payments to {payments_day:%d/%m/%Y} (year to date) " + "; ".join(
            f"{kind} {number(n)} transactions, {number(a)} VND" for kind, n, a in payments),
        "",
        f"Warehouse (the writer's file)     {paths.warehouse}",
        f"Published copy for BI and queries {paths.published}",
        f"Data Docs (validation results)    {paths.data_docs}",
        f"Dashboard (opens offline)         {paths.dashboard}",
        f"dbt docs (models, lineage)        {paths.dbt_docs}",
        f"Excel reports                     {paths.reports} (the month of the last day; {period}, {span.why})",
        "Query it, e.g.:",
        f"  .venv/bin/python -c \"import duckdb; print(duckdb.connect('{paths.published}', read_only=True).sql("
        f"\\\"select stt, row_label, received_total, closed_otherwise from marts.rpt_processing_report where period_id = '{period}' order by sort_key\\\"))\"",
        "  .venv/bin/tthc status",
    ]


def _gris_quarter(con: duckdb.DuckDBPyConnection, span: DemoRange) -> tuple[str, list]:
    """The first quarter that lies wholly in the range, with each GRIS form's coverage."""
    row = con.execute("""select period_start, any_value(period_label), bool_or(is_open), max(due_date)
                         from marts.fct_reporting_coverage
                         where system = 'GRIS' and period_start >= ? and period_end <= ?
                         group by period_start order by period_start limit 1""", [span.start, span.end]).fetchone()
    if row is None:
        return "(no quarter)", []
    label = row[1] + (f" (entries so far; due {row[3]:%d/%m/%Y})" if row[2] else "")
    rows = con.execute("""select group_code, coverage_label from marts.fct_reporting_coverage
                          where system = 'GRIS' and period_start = ? order by group_code""", [row[0]]).fetchall()
    return label, rows


def _every_30(what: str):
    def progress(done: int, total: int) -> None:
        if done % 30 == 0 or done == total:
            print(f"    {done}/{total} {what}", flush=True)

    return progress
