"""The province's KPIs for one period, as lines a person reads (the demo, `tthc report`)."""

from __future__ import annotations

import duckdb

from tthc.vn_format import number, percent

KPI_LABELS = {
    "online_service_uptake": "online-service uptake", "online_dossier_rate": "online dossier rate",
    "digitization": "digitization", "online_reporting": "online reporting",
    "on_time_resolution": "on-time resolution", "online_payment_rate": "online payment rate",
}
# The same KPIs as the province's reports name them (the Excel KPI report, the dashboard).
KPI_NAMES_VI = {
    "online_service_uptake": "DVC trực tuyến phát sinh hồ sơ", "online_dossier_rate": "Hồ sơ xử lý trực tuyến",
    "digitization": "Số hóa hồ sơ, kết quả", "online_reporting": "Nhập liệu báo cáo trực tuyến",
    "on_time_resolution": "Giải quyết đúng hạn", "online_payment_rate": "Thanh toán trực tuyến",
}


def scorecard_lines(con: duckdb.DuckDBPyConnection, period_id: str, kpis: list[str] | None = None) -> list[str]:
    """One line per KPI (all by default): rate, its counts, the target and the verdict, province row."""
    kpis = kpis or list(KPI_LABELS)
    rows = {kpi: rest for kpi, *rest in con.execute(
        "select kpi, numerator, denominator, rate, target_rate, verdict from marts.fct_kpi_scorecard "
        "where period_id = ? and scope = 'province'", [period_id]).fetchall()}
    lines = []
    for kpi in kpis:
        if kpi not in rows:
            continue
        n, d, rate, target, verdict = rows[kpi]
        lines.append(f"  {KPI_LABELS[kpi]:<23} {percent(rate)} ({number(n)} of {number(d)}); "
                     f"target {percent(target)}: {verdict or 'no target for the period'}")
    return lines
