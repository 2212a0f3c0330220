"""The monthly KPI table the Department of Information and Communications sends is an input:
each verdict is checked against its rate and the target in force, each change against the
unit's previous table, each rate against the portal's. Built from the portal's own figures
for December 2021 and January 2022, with one wrong verdict and one wrong change."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from tests.conftest import published_rows
from tthc.scorecard import KPI_NAMES_VI

KPIS = ("online_dossier_rate", "on_time_resolution")
HEADINGS = {"online_dossier_rate": "Tỷ lệ hồ sơ xử lý trực tuyến", "on_time_resolution": "Tỷ lệ giải quyết đúng hạn"}


def vn(value: float, decimals: int = 2) -> str:
    return f"{value * 100:.{decimals}f}%".replace(".", ",")


def change_text(points: float) -> str:
    if round(points * 100, 1) == 0:
        return "Bằng"
    return f"{'Tăng' if points > 0 else 'Giảm'} {abs(points) * 100:.1f}%".replace(".", ",")


def write_table(path, month: str, rows: list[tuple]) -> None:
    """rows: (name, {kpi: (rate text, change text, verdict)})."""
    book = Workbook()
    ws = book.active
    ws.append(["SỞ THÔNG TIN VÀ TRUYỀN THÔNG"])
    ws.append([f"BẢNG CHỈ TIÊU CUNG CẤP DỊCH VỤ CÔNG TRỰC TUYẾN THÁNG {month}"])
    ws.append([None])
    first, second = ["STT", "Tên đơn vị"], [None, None]
    for kpi in KPIS:
        first += [HEADINGS[kpi], None, None]
        second += ["Tỷ lệ", "Tăng, giảm so với kỳ trước", "Đánh giá"]
    ws.append(first)
    ws.append(second)
    ws.merge_cells("A4:A5")
    ws.merge_cells("B4:B5")
    ws.merge_cells("C4:E4")
    ws.merge_cells("F4:H4")
    for i, (name, cells) in enumerate(rows, start=1):
        ws.append([i, name, *[c for kpi in KPIS for c in cells[kpi]]])
    ws.append([None])
    ws.append([f"Số liệu tháng {month}."])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


@pytest.fixture(scope="module")
def checked(built, tmp_path_factory):
    import shutil

    from tthc.config import Paths
    from tthc.pipeline import build, ingest_unit_reports, publish

    home = Paths(tmp_path_factory.mktemp("kpi_table")).ensure()
    for part in ("warehouse", "landing"):
        shutil.copytree(built.home / part, home.home / part, dirs_exist_ok=True)
    figures = {}
    for period in ("month_2021_12", "month_2022_01"):
        for code, name, kpi, rate, target in published_rows(built, """
                select s.unit_code, u.unit_name, s.kpi, s.rate, s.target_rate from marts.fct_kpi_scorecard as s
                join marts.dim_unit as u using (unit_code)
                where s.period_id = ? and s.scope = 'unit' and s.kpi in ('online_dossier_rate', 'on_time_resolution')
                  and s.rate is not null and u.unit_kind = 'department'""", [period]):
            figures.setdefault(code, {"name": name})[(period, kpi)] = (round(rate, 4), target)
    units = sorted(c for c, f in figures.items() if len(f) == 5)[:8]
    assert len(units) >= 4

    def verdict(rate, target):
        return "Đạt" if rate >= target else "Không đạt"

    december = [(figures[c]["name"], {k: (vn(figures[c][("month_2021_12", k)][0]), None,
                                          verdict(*figures[c][("month_2021_12", k)])) for k in KPIS}) for c in units]
    january = []
    for c in units:
        cells = {}
        for k in KPIS:
            (rate, target), (before, _) = figures[c][("month_2022_01", k)], figures[c][("month_2021_12", k)]
            cells[k] = (vn(rate), change_text(rate - before), verdict(rate, target))
        january.append((figures[c]["name"], cells))
    # the errors: a verdict its rate (clearly off its target) contradicts, and a change its two tables contradict
    i = next(i for i, c in enumerate(units) if abs(figures[c][("month_2022_01", "online_dossier_rate")][0] - 0.5) > 0.01)
    j = next(j for j in range(len(units)) if j != i)
    wrong_verdict, wrong_change = units[i], units[j]
    rate, change, v = january[i][1]["online_dossier_rate"]
    january[i][1]["online_dossier_rate"] = (rate, change, "Không đạt" if v == "Đạt" else "Đạt")
    rate, change, v = january[j][1]["on_time_resolution"]
    january[j][1]["on_time_resolution"] = (rate, "Tăng 12,5%" if change != "Tăng 12,5%" else "Giảm 3,0%", v)
    write_table(home.landing / "unit_reports" / "chi_tieu_12_2021.xlsx", "12/2021", december)
    write_table(home.landing / "unit_reports" / "chi_tieu_01_2022.xlsx", "01/2022", january)
    outcomes = ingest_unit_reports(home, "kpi", echo=lambda *_: None)
    assert sorted(o.status for o in outcomes) == ["loaded", "loaded"]
    build(home, echo=lambda *_: None)
    publish(home, echo=lambda *_: None)
    return home, units, (wrong_verdict, i + 6), (wrong_change, j + 6)


def test_each_verdict_and_change_is_checked_and_only_the_wrong_ones_fail(checked):
    home, units, (wrong_verdict, _), (wrong_change, _) = checked
    rows = published_rows(home, """select unit_code, kpi, period_id, verdict_holds, change_holds, verdict_column, change_column
                                   from marts.fct_unit_report_kpi_checks order by period_id, unit_code, kpi""")
    assert len(rows) == 2 * len(units) * len(KPIS)
    failed = sorted((u, k, p, vc if v is False else cc) for u, k, p, v, c, vc, cc in rows if v is False or c is False)
    assert failed == sorted([(wrong_verdict, "online_dossier_rate", "month_2022_01", "E"),
                             (wrong_change, "on_time_resolution", "month_2022_01", "G")])
    # December has no earlier table: its changes are not checked; January's all are
    assert {c for _, _, p, _, c, *_ in rows if p == "month_2021_12"} == {None}
    assert all(c is not None for _, _, p, _, c, *_ in rows if p == "month_2022_01")
    assert sum(v is True for _, _, _, v, *_ in rows) > len(rows) // 3      # verdicts away from their target are checked


def test_the_tables_rates_reconcile_with_the_portals(checked):
    home, *_ = checked
    gaps = published_rows(home, "select max(abs(rate_gap)) from marts.fct_unit_report_kpi_checks")
    assert gaps[0][0] < 0.00006                   # printed to 0,01 point: the portal's own rates


def test_the_run_names_each_contradiction_with_file_row_and_column(checked):
    from warehouse.database import connect
    from warehouse.status import kpi_check_lines

    home, _, (_, verdict_row), (_, change_row) = checked
    with connect(home.warehouse, read_only=True) as con:
        text = "\n".join(kpi_check_lines(con))
    assert "KPI table entries their own figures contradict: 2" in text
    assert f"chi_tieu_01_2022.xlsx / Sheet, row {verdict_row}" in text and ", column E: " in text
    assert f"chi_tieu_01_2022.xlsx / Sheet, row {change_row}" in text and "column G: change" in text
