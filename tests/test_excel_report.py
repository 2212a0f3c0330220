"""The Excel report, read back as an office user's spreadsheet: layout, formats, and figures
that are the marts' (rates rounded half-up to what is printed)."""

from __future__ import annotations

from collections import Counter

import pytest
from openpyxl import load_workbook

from tests.conftest import published_rows
from tthc.vn_format import percent, round_half_up
from warehouse.excel_report import VI, PeriodNotFound, write_report
from warehouse.report_sheets import SHEETS

PERIOD = "campaign_2022_q1"   # 15/12/2021 – 14/03/2022, the period of seed 000's portal figures


@pytest.fixture(scope="module")
def workbook(built, tmp_path_factory):
    return load_workbook(write_report(built.published, PERIOD, tmp_path_factory.mktemp("reports")))


def table(ws) -> list[tuple]:
    """The rows under the header (the first row the panes freeze at), up to the first blank one."""
    rows = []
    for row in ws.iter_rows(min_row=int(ws.freeze_panes[1:]), values_only=True):
        if row[1] is None:
            break
        rows.append(row)
    return rows


def styled(ws, label: str):
    return next(r for r in ws.iter_rows(min_row=int(ws.freeze_panes[1:])) if r[1].value == label)


def test_rounding_is_half_up_as_the_documents_round():
    """Seed 000 prints Lộc Thành's 50 of 80 as 63%; Python's round() would say 62."""
    assert percent(50 / 80, 0) == "63%" and round(62.5) == 62
    assert round_half_up(50 / 80, 2) == 0.63
    assert percent(29 / 2000) == "1,5%" and percent(0.2162) == "21,6%" and percent(None) == "—"


def test_each_run_writes_the_workbook_of_its_latest_month(built):
    book = load_workbook(built.reports / "bao_cao_month_2022_01.xlsx")
    assert book.sheetnames == [s.name for s in SHEETS]
    assert book["Báo cáo KPI"]["A2"].value == "Kỳ báo cáo: Tháng 1/2022 (chưa đủ kỳ; số liệu đến ngày 14/01/2022)"


def test_processing_appendix_is_the_mart_row_for_row(built, workbook):
    ws = workbook["PL4 Xử lý hồ sơ"]
    expected = published_rows(built, """
        select stt, row_label, received_total, received_new_online, received_carried_over, received_new_offline,
            resolved_total, resolved_on_time, resolved_overdue, pending_total, pending_not_due, pending_overdue,
            closed_otherwise
        from marts.rpt_processing_report where period_id = ? order by sort_key""", [PERIOD])
    assert table(ws) == expected and len(expected) > 40
    # the printed totals add up once the dossiers that left otherwise are beside them
    assert all(r[2] == r[6] + r[9] + r[12] for r in expected) and any(r[12] for r in expected)
    total = styled(ws, "Tổng cộng")
    assert total[0].font.bold and total[2].number_format == VI + "#,##0"
    assert styled(ws, "Cấp tỉnh")[1].font.bold  # a section row


def test_online_rate_appendix_prints_the_marts_counts_and_half_up_rates(built, workbook):
    rows = table(workbook["PL2 Hồ sơ trực tuyến"])
    expected = published_rows(built, """
        select unit_name, total_dossiers, online_dossiers, rate from marts.fct_online_dossier_rate
        where period_id = ? and scope = 'unit'""", [PERIOD])
    details = [r for r in rows if r[0] and r[0].isdigit()]
    assert sorted(r[1:] for r in details) == sorted(
        (name, total, online, "Không phát sinh" if rate is None else round_half_up(rate, 2))
        for name, total, online, rate in expected)
    assert [r[0] for r in details] == [str(i) for i in range(1, len(expected) + 1)]
    assert len(details) == 156  # every unit in force, "Không phát sinh" where nothing was received
    assert any(r[1] == "Sở Ngoại vụ" and r[4] == "Không phát sinh" for r in details)
    (province,) = published_rows(built, "select total_dossiers, online_dossiers, rate from marts.fct_online_dossier_rate "
                               "where period_id = ? and scope = 'province'", [PERIOD])
    assert rows[-1][2:] == (province[0], province[1], round_half_up(province[2], 2))
    assert [r[1] for r in rows if r[0] in ("A", "B", "C")] == ["Cấp tỉnh", "Cấp huyện", "Cấp xã"]


def test_kpi_report_gives_each_unit_its_rate_change_and_verdict(built, workbook):
    from tthc.scorecard import KPI_NAMES_VI

    rows = table(workbook["Báo cáo KPI"])
    printed = Counter((r[1], kpi, *r[2 + 3 * i: 5 + 3 * i]) for r in rows if r[0] and r[0].isdigit()
                     for i, kpi in enumerate(KPI_NAMES_VI))
    # every unit × KPI, blank where the unit has no figure (names repeat: two Xã Tân Thành)
    expected = published_rows(built, """
        with units as (select distinct scope_code, unit_name from marts.fct_kpi_scorecard where period_id = $p and scope = 'unit'),
        kpis as (select distinct kpi from marts.fct_kpi_scorecard)
        select u.unit_name, k.kpi, s.rate, s.change_since_previous, s.verdict
        from units as u cross join kpis as k
        left join marts.fct_kpi_scorecard as s
            on s.period_id = $p and s.scope = 'unit' and s.scope_code = u.scope_code and s.kpi = k.kpi""", {"p": PERIOD})
    assert printed == Counter((name, kpi, "–" if rate is None else round_half_up(rate, 3),
                              "–" if change is None else round_half_up(change, 3), verdict)
                             for name, kpi, rate, change, verdict in expected)
    assert printed.total() == 6 * sum(1 for r in rows if r[0] and r[0].isdigit()) > 6 * 100
    province = dict(zip(KPI_NAMES_VI, (rows[-1][2 + 3 * i: 5 + 3 * i] for i in range(len(KPI_NAMES_VI)))))
    for kpi, rate, verdict in published_rows(built, "select kpi, rate, verdict from marts.fct_kpi_scorecard "
                                           "where period_id = ? and scope = 'province'", [PERIOD]):
        assert province[kpi][0] == round_half_up(rate, 3) and province[kpi][2] == verdict


def test_payments_appendix_totals_are_the_provinces_year_to_date(built, workbook):
    (report_date,) = published_rows(built, "select least(date '2022-03-14', max(report_date)) from marts.rpt_payments")[0]
    for sheet, kind in (("PL5.1 Thanh toán đất đai", "land_obligation"), ("PL5.2 Thanh toán phí", "fee")):
        rows = table(workbook[sheet])
        (expected,) = published_rows(built, "select ytd_transactions, ytd_amount_vnd from marts.rpt_payments "
                                   "where report_date = ? and unit_code = '70' and kind = ?", [report_date, kind])
        assert rows[-1][1:] == ("Tổng cộng", *expected)
        details = [r for r in rows if r[0] and r[0].isdigit()]
        assert (sum(r[2] for r in details), sum(r[3] for r in details)) == expected
        assert f"đến {report_date:%d/%m/%Y}" in "".join(str(c.value) for c in workbook[sheet]["A"][:5])


def test_gris_appendix_lists_the_communes_that_have_not_entered_form_ii01b(built, workbook):
    rows = table(workbook["PL3 GRIS"])
    expected = published_rows(built, """
        select unit_name from marts.fct_report_submission_status
        where system = 'GRIS' and form_code = 'II.01b' and not is_entered
          and period_start = (select max(period_start) from marts.fct_report_submission_status
                              where system = 'GRIS' and period_start <= date '2022-03-14')""")
    assert sorted(r[1].split(" - ")[0] for r in rows) == sorted(n for (n,) in expected) and rows
    assert {r[2] for r in rows} == {"Chưa nhập liệu báo cáo"}


def test_layout_is_the_documents_and_prints_on_a4_landscape(workbook):
    ws = workbook["PL4 Xử lý hồ sơ"]
    merged = {str(m) for m in ws.merged_cells.ranges}
    header = int(ws.print_title_rows.split(":")[0].lstrip("$"))  # "$5:$7"
    assert {f"C{header}:F{header}", f"G{header}:L{header}", f"D{header + 1}:F{header + 1}", f"M{header}:M{header + 2}"} <= merged
    assert ws.cell(header, 13).value == "Số hồ sơ trả lại, rút hoặc dừng xử lý"
    assert ws.cell(header, 3).value == "Số hồ sơ nhận giải quyết"
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape" and str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
        assert sheet.freeze_panes and sheet.column_dimensions["B"].width >= 38
        numbers = [c for row in sheet.iter_rows(min_row=int(sheet.freeze_panes[1:])) for c in row
                   if isinstance(c.value, (int, float))]
        assert all(c.number_format.startswith(VI) for c in numbers), sheet.title
        assert numbers or sheet.title == "PL3 GRIS"  # statuses only
    kpi = workbook["Báo cáo KPI"]
    assert kpi["A2"].value == "Kỳ báo cáo: 15/12/2021 – 14/03/2022 (chưa đủ kỳ; số liệu đến ngày 14/01/2022)"


def test_an_unknown_period_is_refused_with_the_known_ones(built, tmp_path):
    with pytest.raises(PeriodNotFound, match="no period 'month_2030_01'.*campaign_2022_q1"):
        write_report(built.published, "month_2030_01", tmp_path)
    assert not list(tmp_path.iterdir())


def test_the_command_writes_any_period(built, tmp_path, monkeypatch, capsys):
    from tthc.cli import main

    monkeypatch.setenv("TTHC_HOME", str(built.home))
    assert main(["excel", "--period", "month_2021_12", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {tmp_path / 'bao_cao_month_2021_12.xlsx'}"
    assert load_workbook(tmp_path / "bao_cao_month_2021_12.xlsx")["PL4 Xử lý hồ sơ"]["A2"].value == "Kỳ báo cáo: Tháng 12/2021 (chưa đủ kỳ; số liệu đến ngày 31/12/2021)"
