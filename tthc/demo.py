"""`tthc demo` (and `make demo`): the 2022 campaign at province scale, end to end."""

from __future__ import annotations

import datetime as dt
import time

import duckdb

from tthc.config import Paths
from tthc.dbt import print_summary
from tthc.scorecard import scorecard_lines
from tthc.generator import generate
from tthc.pipeline import dates_between, run
from tthc.vn_format import number, percent
from warehouse.excel_report import write_report

CAMPAIGN_START, CAMPAIGN_END = dt.date(2021, 12, 15), dt.date(2022, 9, 2)
SUMMARY_PERIOD = "campaign_2022_q1"  # 15/12/2021 – 14/03/2022, the period of seed 000's portal figures
PAYMENTS_DAY = "2022-05-15"          # seed 000's appendix 5 reports payments from 01/01 to 15/05/2022


def run_demo(paths: Paths, scale: float = 1.0) -> int:
    paths.ensure()
    started = time.monotonic()
    print(f"1/2 generating the portal's daily extracts {CAMPAIGN_START:%d/%m/%Y} – {CAMPAIGN_END:%d/%m/%Y} (scale {scale}) into {paths.landing}", flush=True)
    summary = generate(paths.landing, CAMPAIGN_START, CAMPAIGN_END, scale=scale, progress=_every_30("days written"))
    print(f"    {summary.days} days, {number(summary.extract_rows)} extract rows, {number(summary.dossiers)} dossiers received", flush=True)
    print("2/2 running the pipeline over the whole range in one pass (ingest, validate, dbt build, check, publish)", flush=True)
    result = run(paths, dates_between(CAMPAIGN_START, CAMPAIGN_END), echo=print_summary, progress=_every_30("files loaded"))
    print("\n".join(result.lines()))
    print()
    write_report(paths.published, SUMMARY_PERIOD, paths.reports)  # beside the latest month's, which the run wrote
    print("\n".join(kpi_summary(paths)))
    print(f"\nDone in {time.monotonic() - started:.0f} s.")
    return 0


def kpi_summary(paths: Paths) -> list[str]:
    con = duckdb.connect(str(paths.published), read_only=True)
    try:
        label = con.execute("select period_label from marts.dim_report_period where period_id = ?", [SUMMARY_PERIOD]).fetchone()[0]
        rate = con.execute("""select online_dossiers, total_dossiers, rate, target_rate, verdict from marts.fct_online_dossier_rate
                              where period_id = ? and unit_code = '70'""", [SUMMARY_PERIOD]).fetchone()
        uptake = con.execute("""select services_with_online_dossiers, online_services, rate, target_rate, verdict
                                from marts.fct_online_service_uptake where period_id = ? and unit_code = '70'""", [SUMMARY_PERIOD]).fetchone()
        total = con.execute("""select received_total, resolved_total, resolved_overdue, pending_total, closed_otherwise
                               from marts.rpt_processing_report where period_id = ? and row_kind = 'total'""", [SUMMARY_PERIOD]).fetchone()
        others = scorecard_lines(con, SUMMARY_PERIOD, ["on_time_resolution", "digitization", "online_payment_rate", "online_reporting"])
        payments = con.execute("""select kind_label, ytd_transactions, ytd_amount_vnd from marts.rpt_payments
                                  where report_date = ? and unit_code = '70' order by kind""", [PAYMENTS_DAY]).fetchall()
        gris = con.execute("""select group_code, coverage_label from marts.fct_reporting_coverage
                              where system = 'GRIS' and period_start = '2022-01-01' order by group_code""").fetchall()
        index = con.execute("""select points_scored, points_possible from marts.rpt_service_index
                               where period_id = ? and scope = 'province' and group_code = 'total'""", [SUMMARY_PERIOD]).fetchone()
        lowest = con.execute("""select unit_name, rate from marts.fct_online_dossier_rate
                                where period_id = ? and unit_code <> '70' and total_dossiers >= 100
                                order by rate limit 3""", [SUMMARY_PERIOD]).fetchall()
    finally:
        con.close()
    return [
        f"Province, {label}:",
        f"  online dossier rate     {percent(rate[2])} ({number(rate[0])} of {number(rate[1])} received online); target {percent(rate[3])}: {rate[4]}",
        f"  online-service uptake   {percent(uptake[2])} ({number(uptake[0])} of {number(uptake[1])} level-3/4 services); target {percent(uptake[3])}: {uptake[4]}",
        f"  processing report       {number(total[0])} received, {number(total[1])} resolved ({number(total[2])} overdue), {number(total[3])} pending;"
        f" {number(total[4])} left otherwise (refused, withdrawn, stopped)",
        "  lowest online rates     " + "; ".join(f"{name} {percent(r)}" for name, r in lowest),
        *others,
        f"  service index (766)     {index[0]:.1f} points of the {index[1]:.0f} we hold data for".replace(".", ",")
        + " (publicity, satisfaction, 2 payment indicators: no data)",
        "  GRIS quarter I/2022     " + "; ".join(f"{form} {label}" for form, label in gris),
        f"  payments to {PAYMENTS_DAY[8:]}/{PAYMENTS_DAY[5:7]}/{PAYMENTS_DAY[:4]} (year to date) " + "; ".join(
            f"{kind} {number(n)} transactions, {number(a)} VND" for kind, n, a in payments),
        "",
        f"Warehouse (the writer's file)     {paths.warehouse}",
        f"Published copy for BI and queries {paths.published}",
        f"Data Docs (validation results)    {paths.data_docs}",
        f"Dashboard (opens offline)         {paths.dashboard}",
        f"dbt docs (models, lineage)        {paths.dbt_docs}",
        f"Excel reports                     {paths.reports} (the month of the last day; {SUMMARY_PERIOD}, seed 000's period)",
        "Query it, e.g.:",
        f"  .venv/bin/python -c \"import duckdb; print(duckdb.connect('{paths.published}', read_only=True).sql("
        f"\\\"select stt, row_label, received_total, closed_otherwise from marts.rpt_processing_report where period_id = '{SUMMARY_PERIOD}' order by sort_key\\\"))\"",
        "  .venv/bin/tthc status",
    ]


def _every_30(what: str):
    def progress(done: int, total: int) -> None:
        if done % 30 == 0 or done == total:
            print(f"    {done}/{total} {what}", flush=True)

    return progress
