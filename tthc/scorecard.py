"""The KPIs of one period, of the province or of every province, as lines a person reads (the demo, `tthc report`)."""

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


def national_scorecard_lines(con: duckdb.DuckDBPyConnection, period_id: str) -> list[str]:
    """From the national roll-up (warehouse/national.py): per KPI the national rate, a sum of
    the provinces' counts, then each province's own row with its target and verdict."""
    national = {kpi: rest for kpi, *rest in con.execute(
        "select kpi, numerator, denominator, rate, provinces_reporting, earliest_as_of_day, latest_as_of_day "
        "from national.kpi where period_id = ?", [period_id]).fetchall()}
    by_province: dict[str, list[tuple]] = {}
    for kpi, *rest in con.execute(
            "select kpi, reporting_province, reporting_province_name, numerator, denominator, rate, target_rate, verdict "
            "from national.kpi_by_province where period_id = ? order by reporting_province", [period_id]).fetchall():
        by_province.setdefault(kpi, []).append(rest)
    lines = []
    for kpi in KPI_LABELS:
        if kpi not in national:
            continue
        n, d, rate, provinces, earliest, latest = national[kpi]
        as_of = f"{earliest:%d/%m/%Y}" if earliest == latest else f"{earliest:%d/%m/%Y}–{latest:%d/%m/%Y}"
        lines.append(f"  {KPI_LABELS[kpi]:<23} {percent(rate)} ({number(n)} of {number(d)}) "
                     f"in {provinces} province(s), as of {as_of}")
        for code, name, pn, pd, prate, target, verdict in by_province[kpi]:
            lines.append(f"    {code} {name:<22} {percent(prate)} ({number(pn)} of {number(pd)}); "
                         f"target {percent(target)}: {verdict or 'no target for the period'}")
    return lines
