"""The dashboard: one static HTML file, written from the published copy by every run.

It opens offline (no CDN, no server): the page, its script and its data are one file.
The figures come from the marts as they are; rates are formatted here, in Python, with
the same half-up rounding as the Excel report, so the two never print different figures.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb

from tthc.scorecard import KPI_NAMES_VI
from tthc.vn_format import percent, period_caption
from warehouse.files import replace_atomically

TEMPLATE = Path(__file__).with_name("dashboard_template.html")
DATA_MARK = "/*DATA*/null"
TOP_GAPS = 25        # reconciliation rows shown
TOP_FINDINGS = 25    # unit-report findings shown


def write_dashboard(published: Path, target: Path, period_id: str | None = None) -> Path:
    """The page opens on ``period_id`` (a run's own month), else on the latest whole month."""
    with duckdb.connect(str(published), read_only=True) as con:
        data = dashboard_data(con, period_id)
    # "</" would end the script element early; JSON allows the escaped form
    payload = json.dumps(data, ensure_ascii=False, default=str).replace("</", "<\\/")
    html = TEMPLATE.read_text(encoding="utf-8").replace(DATA_MARK, payload)
    return replace_atomically(target, lambda tmp: tmp.write_text(html, encoding="utf-8"))


def dashboard_data(con: duckdb.DuckDBPyConnection, period_id: str | None = None) -> dict:
    periods = _records(con, """
        select period_id as id, period_label as label, period_kind as kind, is_partial as partial, as_of_day,
            spans_reorganisation as spans
        from marts.dim_report_period order by period_start, period_end, period_kind""")
    for p in periods:
        p["caption"] = period_caption(p["label"], p.pop("as_of_day"), p["partial"], p.pop("spans"))
    # the latest whole month, not the two days of a month just begun
    months = [p for p in periods if p["kind"] == "month"]
    shown = [p for p in periods if p["id"] == period_id] or ([p for p in months if not p["partial"]] or months or periods)[-1:]
    scores = con.execute("""
        select kpi, period_id, scope, scope_code, unit_name, numerator, denominator, rate, target_rate, verdict,
            change_since_previous
        from marts.fct_kpi_scorecard
        where scope in ('province', 'section', 'unit')
        order by kpi, period_id, scope, scope_code""").fetchall()
    latest = con.execute("select run_id from audit.validation_results order by validated_at desc limit 1").fetchall()
    latest_run = latest[0][0] if latest else None
    reconciliation = _records(con, f"""
            select file_name, sheet, period_label, unit_name_printed, unit_code, received_reported, received_portal,
                received_gap, received_gap_share
            from marts.fct_unit_report_reconciliation
            order by abs(received_gap) desc, file_name, sheet, row_number limit {TOP_GAPS}""")
    for row in reconciliation:
        row["gap_share_text"] = percent(row.pop("received_gap_share"))
    return {
        "generated_at": dt.datetime.now().strftime("%H:%M %d/%m/%Y"),
        "run_id": latest_run,
        "kpis": [{"id": k, "name": v} for k, v in KPI_NAMES_VI.items()],
        "periods": periods,
        "default_period": shown[0]["id"] if shown else None,
        # every unit with a figure in any period, by its name and place in the latest of them
        # (a commune after 2025 in section B of the two tiers, not where it stood in 2022)
        "units": _records(con, """
            select s.scope_code as code, s.unit_name as name, coalesce(d.section, 'A') as section,
                coalesce(d.report_order, 0) as report_order, d.unit_kind as kind
            from marts.fct_kpi_scorecard as s
            left join marts.dim_report_period_unit as d on d.period_id = s.period_id and d.unit_code = s.scope_code
            where s.scope = 'unit'
            qualify row_number() over (partition by s.scope_code order by s.period_end desc, s.period_start desc) = 1
            order by section, kind, report_order, code"""),
        # arrays, not objects: the file stays small
        "score_columns": ["kpi", "period", "scope", "code", "name", "numerator", "denominator", "rate", "rate_text",
                          "target", "target_text", "verdict", "change_text"],
        "scores": [[kpi, period, scope, code, name, n, d, rate, percent(rate), target, percent(target) if target is not None else "",
                    verdict or "", _change(change)]
                   for kpi, period, scope, code, name, n, d, rate, target, verdict, change in scores],
        "reconciliation": reconciliation,
        # the review queue: workbooks waiting for what only the office can give (their period)
        "waiting": _records(con, """select file_name, missing, strftime(since, '%d/%m/%Y %H:%M') as since
                                    from audit.unit_reports_waiting order by since"""),
        "checks": _records(con, """
            select suite, expectation, severity, success, element_count, unexpected_count,
                json_extract_string(details, '$.explain') as explain
            from audit.validation_results where run_id = ? order by success, suite, expectation""", [latest_run]),
        # what does not add up in the units' own reports (the marts' identities are dbt tests)
        "findings_total": con.execute("select count(*) from audit.unit_report_findings").fetchall()[0][0],
        "findings": _records(con, f"""
            select check_name, file_name || ' / ' || sheet || ', dòng ' || row_number || ', cột ' || column_name
                || ': ' || unit_name as subject, expected, found, gap
            from audit.unit_report_findings
            order by abs(gap) desc nulls last, file_name, sheet, row_number limit {TOP_FINDINGS}"""),
        "reporting": _records(con, """
            select system, group_name, period_label, coverage_label, entered, required, entered_on_time, is_open
            from marts.fct_reporting_coverage
            qualify period_start = max(period_start) over (partition by system)
            order by system, group_name"""),
    }


def _records(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _change(change: float | None) -> str:
    if change is None:
        return ""
    text = percent(change)
    return text if text.startswith("-") or text == "0,0%" else "+" + text

