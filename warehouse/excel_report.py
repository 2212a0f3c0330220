"""The official Excel report of a period: one workbook, the sheets of report_sheets.py.

Read from the published copy (never the file being built). Numbers stay numbers, so an
office user can still add them up; they show in the Vietnamese way (290.170; 27,2%)
through number formats tagged with the Vietnamese locale, and percentages are stored
rounded half-up to what is printed, as the documents round
(docs/decisions/0009-what-people-read.md).
"""

from __future__ import annotations

import datetime as dt
import math
from copy import copy
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tthc.vn_format import period_caption, round_half_up
from warehouse.files import replace_atomically
from warehouse.report_sheets import CHANGE, COUNT, PERCENT, SHEETS, TEXT, WHOLE_PERCENT, Column, SheetLayout

VI = "[$-42A]"  # the Vietnamese locale: LibreOffice shows 290.170 and 27,2% whatever its own locale
NUMBER_FORMATS = {
    COUNT: VI + "#,##0",
    PERCENT: VI + "0.0%",
    WHOLE_PERCENT: VI + "0%",
    CHANGE: VI + "+0.0%;-0.0%;0.0%",
}
DECIMALS = {PERCENT: 3, WHOLE_PERCENT: 2, CHANGE: 3}  # of the fraction: 0,272 shows as 27,2%

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
ROW_FONTS = {"section": Font(bold=True), "total": Font(bold=True), "group": Font(italic=True), "detail": Font()}


class PeriodNotFound(ValueError):
    """The period is not in the published marts."""


def workbook_name(period_id: str) -> str:
    return f"bao_cao_{period_id}.xlsx"


def write_report(published: Path, period_id: str | None, out_dir: Path, day: dt.date | None = None) -> Path:
    """Write ``bao_cao_<period_id>.xlsx`` into ``out_dir`` (replaced atomically) and return its path.
    Without a period, the latest month the extracts reach (month to date). ``day``, a run's
    extract day, caps the payments' report day (appendix 5 reports that day's totals)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(published), read_only=True) as con:
        period_id = period_id or con.execute("select period_id from marts.dim_report_period where period_kind = 'month' "
                                             "order by period_start desc limit 1").fetchall()[0][0]
        context = report_context(con, period_id, day)
        book = Workbook()
        book.remove(book.active)
        for layout in SHEETS:
            rows = con.execute(layout.sql, {k: v for k, v in context.items() if f"${k}" in layout.sql}).fetchall()
            write_sheet(book.create_sheet(layout.name), layout, rows, context)
    return replace_atomically(out_dir / workbook_name(period_id), book.save)


def report_context(con: duckdb.DuckDBPyConnection, period_id: str, day: dt.date | None = None) -> dict:
    """The period and the dates the sheets name: the payments' report day, the GRIS quarter."""
    found = con.execute("select period_label, period_start, period_end, as_of_day, is_partial, spans_reorganisation "
                        "from marts.dim_report_period "
                        "where period_id = ?", [period_id]).fetchall()
    if not found:
        known = [r[0] for r in con.execute("select period_id from marts.dim_report_period order by period_start, period_id").fetchall()]
        raise PeriodNotFound(f"no period {period_id!r} in the marts; known: {', '.join(known)}")
    label, start, end, as_of_day, partial, spans = found[0]
    last = min(as_of_day, day) if day else as_of_day
    payments_date = con.execute("select least(?, max(report_date)) from marts.rpt_payments", [last]).fetchall()[0][0] or last
    gris = con.execute("""
        select period_start, period_label from marts.fct_report_submission_status
        where system = 'GRIS' and period_start <= ?
        order by period_end <= ? desc, period_start desc limit 1""", [end, end]).fetchall()
    gris_start, gris_label = gris[0] if gris else (None, "không có kỳ báo cáo")
    coverage = con.execute("""
        select group_code, coverage_label from marts.fct_reporting_coverage
        where system = 'GRIS' and group_kind = 'form' and period_start = ? order by group_code""", [gris_start]).fetchall()
    return {
        "period_id": period_id,
        "period_label": period_caption(label, as_of_day, partial, spans),
        "period_end": end,
        "payments_date": payments_date,
        "payments_year_start": f"01/01/{payments_date.year}",
        "gris_period_start": gris_start,
        "gris_period_label": gris_label,
        "gris_coverage": "Đơn vị đã nhập liệu: " + "; ".join(f"mẫu {form} {label}" for form, label in coverage),
    }


def write_sheet(ws: Worksheet, layout: SheetLayout, rows: list[tuple], context: dict) -> None:
    width = 2 + len(layout.columns)
    for line in layout.title:
        ws.append([_fill(line, context)])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
        ws.cell(ws.max_row, 1).alignment = Alignment(horizontal="center", wrap_text=True)
        ws.cell(ws.max_row, 1).font = Font(bold=True, size=13 if ws.max_row == 1 else 11)
    ws.append([None])  # a real row: openpyxl does not count an empty one in max_row
    first_header = ws.max_row + 1
    for header in layout.header:
        ws.append(list(header))
        for cell in ws[ws.max_row]:
            cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, BOX
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for merge in layout.merges:
        ws.merge_cells(merge.format(*range(first_header, first_header + len(layout.header))))
    _header_heights(ws, layout, first_header)
    first_data = ws.max_row + 1
    # a data cell's style follows from its row kind, its column and whether it holds a number
    # or a text: styled once per combination, then copied (openpyxl hashes every style object
    # assigned to a cell, which cost more than writing the workbook)
    # (ws.max_row and ws[row] scan every cell of the sheet: counted here instead)
    styles: dict[tuple, object] = {}
    row_number, columns = first_data - 1, ws.max_column
    for row_kind, stt, label, *values in rows:
        ws.append([stt, label, *(_cell_value(v, c) for v, c in zip(values, layout.columns))])
        row_number += 1
        for i, cell in enumerate(next(ws.iter_rows(min_row=row_number, max_row=row_number, max_col=columns))):
            key = (row_kind, i, isinstance(cell.value, (int, float)), isinstance(cell.value, str))
            if key in styles:
                cell._style = copy(styles[key])
                continue
            cell.border, cell.font = BOX, ROW_FONTS[row_kind]
            if row_kind == "total":
                cell.fill = TOTAL_FILL
            if i == 0:
                cell.alignment = Alignment(horizontal="center")
            elif i >= 2:
                kind = layout.columns[i - 2].kind
                if isinstance(cell.value, (int, float)):
                    cell.number_format = NUMBER_FORMATS[kind]
                text = kind == TEXT or isinstance(cell.value, str)
                cell.alignment = Alignment(horizontal="center" if text else "right", shrink_to_fit=text)
            styles[key] = copy(cell._style)
    if not rows:
        ws.append([None, "Không có số liệu cho kỳ này"])
    if layout.note:
        ws.append([None])  # a real row: openpyxl does not count an empty one in max_row
        ws.append([layout.note])
        ws.cell(ws.max_row, 1).font = Font(italic=True, size=9)
    ws.append([f"Nguồn: kho dữ liệu TTHC, bảng marts.*; lập lúc {dt.datetime.now():%H:%M %d/%m/%Y}."])
    ws.cell(ws.max_row, 1).font = Font(italic=True, size=9)
    _page_setup(ws, layout, first_header, first_data)


def _fill(line: str, context: dict) -> str:
    values = {k: (v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v) for k, v in context.items()}
    return line.format(**values)


def _cell_value(value, column: Column):
    if value is None:
        return None if column.kind in (COUNT, TEXT) else column.empty
    return value if column.kind in (COUNT, TEXT) else round_half_up(value, DECIMALS[column.kind])


def _header_heights(ws: Worksheet, layout: SheetLayout, first_header: int) -> None:
    """Tall enough for the wrapped header texts: spreadsheets do not grow rows of merged cells."""
    widths = [6, layout.name_width, *(c.width for c in layout.columns)]
    spans = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}
    for row in range(first_header, first_header + len(layout.header)):
        lines = 1
        for col, text in enumerate(layout.header[row - first_header], start=1):
            if text:
                span = spans.get((row, col))
                room = sum(widths[c - 1] for c in range(col, span.max_col + 1)) if span else widths[col - 1]
                height = span.max_row - span.min_row + 1 if span else 1
                lines = max(lines, math.ceil(math.ceil(len(text) * 1.1 / room) / height))
        ws.row_dimensions[row].height = 15 * lines


def _page_setup(ws: Worksheet, layout: SheetLayout, first_header: int, first_data: int) -> None:
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = layout.name_width
    for i, column in enumerate(layout.columns, start=3):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = f"C{first_data}"
    ws.print_title_rows = f"{first_header}:{first_data - 1}"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
