"""Build unit-report workbooks from the real tables in shared/reference, as units send them.

Each sheet has the document's title block, its multi-row header with merged cells (and
the "(1) (2) …" row where the document has one), the rows with the real numbers (section
and total rows as text with thousands dots, detail rows as numbers, printed percentages
as text), and the document's note with the period under the table. Appendix 3 prints no
period; its sheet gets the one of appendix 1 (15/5/2022), which the report reader needs.
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from tests.conftest import REFERENCE
from tthc.vn_format import number


def _rows(table: str) -> list[dict]:
    with open(REFERENCE / f"{table}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# (title lines, header rows as {column: text}, merges, value columns, note under the table)
SHEETS = {
    "000_p1_services": (
        ["PHỤ LỤC I", "DANH SÁCH DỊCH VỤ CÔNG, DỊCH VỤ CÔNG PHÁT SINH HỒ SƠ",
         "(Ban hành kèm theo Kế hoạch số 170 /KH-UBND ngày 04 tháng 6 năm 2022 của Ủy ban nhân dân tỉnh)"],
        [["STT", "Tên đơn vị", "Dịch vụ công phát sinh hồ sơ", None, "Số DVC không phát sinh hồ sơ"],
         [None, None, "Trực tuyến 3,4", "Hồ sơ giấy", None]],
        ["A{h}:A{h1}", "B{h}:B{h1}", "C{h}:D{h}", "E{h}:E{h1}"],
        ["online_34_with_dossiers", "paper_with_dossiers", "services_without_dossiers"],
        "Ghi chú: Số liệu thống kê đến ngày 15/5/2022.",
    ),
    "000_p2_online_rate": (
        ["PHỤ LỤC 2", "TỶ LỆ HỒ SƠ XỬ LÝ TRỰC TUYẾN",
         "(Ban hành kèm theo Kế hoạch số: 170 /KH-UBND ngày 01 tháng 6 năm 2022 của Ủy ban nhân dân tỉnh)"],
        [["STT", "Tên cơ quan, đơn vị địa phương", "Tổng số hồ sơ", "Hồ sơ xử lý trực tuyến", "Tỷ lệ (%) xử lý trực tuyến"],
         ["(1)", "(2)", "(3)", "(4)", "(5)"]],
        [],
        ["total_dossiers", "online_dossiers", "online_rate_printed"],
        "Số liệu thống kê đến từ ngày 15/12/2021 đến ngày 14/3/2022.",
    ),
    "000_p3_gris_missing": (
        ["PHỤ LỤC 3: THỐNG KÊ CÁC ĐƠN VỊ CẤP XÃ CHƯA NHẬP LIỆU BÁO CÁO",
         "(Kèm theo Kế hoạch số 170 /KH-UBND ngày 01 tháng 6 năm 2022 của UBND tỉnh)"],
        [["STT", "TÊN ĐƠN VỊ", "Mẫu số II.01b/VPCP/KSTT", "Mẫu số II.05a/VPCP/KSTT"]],
        [],
        ["form_ii01b_status", "form_ii05a_status"],
        "Số liệu thống kê đến ngày 15/5/2022.",
    ),
    "000_p4_processing": (
        ["Phụ lục 4. TÌNH HÌNH XỬ LÝ HỒ SƠ DỊCH VỤ CÔNG",
         "(Ban hành kèm theo Kế hoạch số 170 /KH-UBND ngày 01 tháng 6 năm 2022 của Ủy ban nhân dân tỉnh)"],
        [["STT", "Đơn vị giải quyết TTHC", "Số hồ sơ nhận giải quyết", None, None, None, "Kết quả giải quyết",
          None, None, None, None, None],
         [None, None, "Tổng số", "Trong đó", None, None, "Số hồ sơ đã giải quyết", None, None,
          "Số hồ sơ đang giải quyết", None, None],
         [None, None, None, "Số mới TN TTu", "Số kỳ trước chuyển qua", "Số mới tiếp nhận (TTi hoặc DVBC)",
          "Tổng số", "Đúng và trước hạn", "Quá hạn", "Tổng số", "Chưa đến hạn", "Quá hạn"]],
        ["A{h}:A{h2}", "B{h}:B{h2}", "C{h}:F{h}", "G{h}:L{h}", "C{h1}:C{h2}", "D{h1}:F{h1}", "G{h1}:I{h1}", "J{h1}:L{h1}"],
        ["received_total", "received_new_online", "received_carried_over", "received_new_offline",
         "resolved_total", "resolved_on_time", "resolved_overdue", "pending_total", "pending_not_due", "pending_overdue"],
        "Ghi chú: Số liệu thống kê từ ngày 15/12/2021 đến ngày 14/3//2022.",
    ),
    "000_p5_payments_land": (
        ["PHỤ LỤC 5", "THANH TOÁN TRỰC TUYẾN QUA CÔNG DỊCH VỤ CÔNG",
         "1. Thanh toán trực tuyến về nghĩa vụ tài chính thuộc lĩnh vực đất đai của hộ gia đình, cá nhân qua Công Dịch vụ công quốc gia:",
         "Số liệu thanh toán từ ngày 01/01/2022 đến 15/5/2022,"],
        [["STT", "ĐƠN VỊ", "SỐ GIAO DỊCH", "SỐ TIỀN (VNĐ)"]],
        [],
        ["transactions", "amount_vnd"],
        None,
    ),
    "000_p5_payments_fees": (
        ["2. Thanh toán trực tuyến về Phí, Lệ phí:", "Số liệu thanh toán từ ngày 01/01/2022 đến 15/5/2022,"],
        [["STT", "ĐƠN VỊ", "SỐ GD", "SỐ TIỀN (VNĐ)"]],
        [],
        ["transactions", "amount_vnd"],
        None,
    ),
}


APPENDICES = list(SHEETS)


# Other units' wordings of the same appendices: other words, abbreviations, line breaks
# inside merged headings, columns in another order and a column the layout does not have.
# (title, headers, merges, value columns): None keeps the document's.
VARIANTS_OTHER = {
    "000_p1_services": (None,
        [["STT", "Cơ quan, đơn vị", "Số DVC có phát sinh hồ sơ", None, "Số DVC chưa\nphát sinh hồ sơ"],
         [None, None, "Trực tuyến mức 3, 4", "Chỉ có hồ sơ giấy", None]], None, None),
    "000_p2_online_rate": (None,
        [["STT", "Đơn vị", "Số hồ sơ trực tuyến", "Tổng số hồ sơ tiếp nhận", "Tỷ lệ trực tuyến (%)"]], [],
        ["online_dossiers", "total_dossiers", "online_rate_printed"]),
    "000_p3_gris_missing": (None, [["STT", "Xã, phường, thị trấn", "Biểu II.01b", "Biểu II.05a"]], None, None),
    "000_p4_processing": (None,
        [["STT", "Cơ quan, đơn vị", "Tổng số hồ sơ\ntiếp nhận", None, None, None, "Kết quả giải quyết",
          None, None, None, None, None, "Ghi chú"],
         [None, None, "Tổng", "Trong đó", None, None, "Đã giải quyết", None, None, "Đang giải quyết", None, None, None],
         [None, None, None, "TN mới trực tuyến", "Kỳ trước chuyển sang", "TN mới trực tiếp, DVBC", "Tổng số",
          "Trước và đúng hạn", "Trễ hạn", "Tổng số", "Trong hạn", "Trễ hạn", None]],
        ["A{h}:A{h2}", "B{h}:B{h2}", "C{h}:F{h}", "G{h}:L{h}", "C{h1}:C{h2}", "D{h1}:F{h1}", "G{h1}:I{h1}",
         "J{h1}:L{h1}", "M{h}:M{h2}"], None),
    "000_p5_payments_land": (
        ["THANH TOÁN TRỰC TUYẾN NGHĨA VỤ TÀI CHÍNH VỀ ĐẤT ĐAI", "Số liệu từ ngày 01/01/2022 đến ngày 15/5/2022"],
        [["STT", "Tên đơn vị", "Số lượng giao dịch", "Thành tiền (đồng)"]], None, None),
    "000_p5_payments_fees": (
        ["THANH TOÁN TRỰC TUYẾN PHÍ, LỆ PHÍ", "Số liệu từ ngày 01/01/2022 đến ngày 15/5/2022"],
        [["STT", "Cơ quan, đơn vị", "Số lượt thanh toán", "Tổng tiền (VNĐ)"]], None, None),
}


# A third wording of each: other words again, another column order in appendix 4.
VARIANTS_THIRD = {
    "000_p1_services": (None,
        [["STT", "Địa phương", "DVC phát sinh hồ sơ", None, "Không phát sinh hồ sơ"],
         [None, None, "Trực tuyến toàn trình, một phần", "Trực tiếp", None]], None, None),
    "000_p2_online_rate": (None, [["STT", "Tên cơ quan", "Hồ sơ tổng số", "Trực tuyến (số hồ sơ)", "Tỉ lệ"]], [], None),
    "000_p3_gris_missing": (None, [["STT", "Đơn vị cấp xã", "Mẫu II.01b", "Mẫu II.05a"]], None, None),
    "000_p4_processing": (None,
        [["STT", "Địa phương", "Tiếp nhận", None, None, None, "Đã giải quyết", None, None, "Đang giải quyết", None, None],
         [None, None, "Tổng số", "Tồn kỳ trước", "Mới tiếp nhận trực tuyến", "Mới tiếp nhận trực tiếp",
          "Tổng số", "Đúng hạn", "Quá hạn", "Tổng số", "Chưa đến hạn", "Quá hạn"]],
        ["A{h}:A{h1}", "B{h}:B{h1}", "C{h}:F{h}", "G{h}:I{h}", "J{h}:L{h}"],
        ["received_total", "received_carried_over", "received_new_online", "received_new_offline",
         "resolved_total", "resolved_on_time", "resolved_overdue", "pending_total", "pending_not_due", "pending_overdue"]),
    "000_p5_payments_land": (["PHỤ LỤC 5.1: THANH TOÁN NGHĨA VỤ ĐẤT ĐAI", "Từ ngày 01/01/2022 đến ngày 15/5/2022"],
        [["STT", "Đơn vị", "Giao dịch", "Giá trị (đồng)"]], None, None),
    "000_p5_payments_fees": (["THANH TOÁN PHÍ, LỆ PHÍ TRỰC TUYẾN", "Từ ngày 01/01/2022 đến ngày 15/5/2022"],
        [["STT", "Đơn vị", "Số giao dịch", "Số tiền"]], None, None),
}
VARIANTS = {1: VARIANTS_OTHER, 2: VARIANTS_THIRD}


def sheet_cells(table: str, rows: list[dict] | None = None, variant: int = 0, note: str | None = "document",
                title: list[str] | None = None) -> tuple[list[list], list[str], list[int]]:
    """One appendix as rows of cell values, merged ranges ("A5:A7") and the rows whose
    text is bold: ``rows`` default to the reference table's (pass changed copies to test);
    ``variant`` 1 or 2 takes another unit's wording; ``note`` None leaves the period out."""
    doc_title, headers, merges, columns, doc_note = SHEETS[table]
    if variant:
        v_title, v_headers, v_merges, v_columns = VARIANTS[variant][table]
        doc_title, headers = v_title or doc_title, v_headers
        merges = v_merges if v_merges is not None else merges
        columns = v_columns or columns
    title = title if title is not None else doc_title
    rows = _rows(table) if rows is None else rows
    width = len(headers[0])
    cells, ranges, bold = [], [], []
    for line in title:
        cells.append([line])
        ranges.append(f"A{len(cells)}:{chr(64 + width)}{len(cells)}")
    cells.append([None])
    h = len(cells) + 1                                       # the first header row
    for header in headers:
        cells.append(list(header))
        bold.append(len(cells))
    ranges += [m.format(h=h, h1=h + 1, h2=h + 2) for m in merges]
    for r in rows:
        detail = r["row_kind"] == "detail"
        values = []
        for col in columns:
            raw = r[col]
            if raw == "" or not raw.lstrip("-").isdigit():
                values.append(raw or None)
            elif detail and int(raw) < 10_000:
                values.append(int(raw))                      # a number cell
            else:
                values.append(number(int(raw)))              # text with thousands dots, as typed
        cells.append([r["stt"] or None, r["unit_name_raw"], *values])
    note = doc_note if note == "document" else note
    if note:
        cells += [[None], [note]]
    return cells, ranges, bold


def write_sheet(ws, table: str, rows: list[dict] | None = None, **how) -> None:
    """One appendix on an openpyxl sheet (see sheet_cells)."""
    cells, ranges, bold = sheet_cells(table, rows, **how)
    for line in cells:
        ws.append(line)
    for number_ in bold:
        for c in ws[number_]:
            c.font = Font(bold=True)
    for merge in ranges:
        ws.merge_cells(merge)
        ws[merge.split(":")[0]].alignment = Alignment(horizontal="center", wrap_text=True)
    ws.column_dimensions["B"].width = 45


def build_workbook(path: Path, tables: list[str], rows: dict[str, list[dict]] | None = None, **how) -> Path:
    """A workbook of appendices: .xlsx with openpyxl, or Excel 97–2003 .xls with xlwt when
    ``path`` ends in .xls."""
    if path.suffix == ".xls":
        return _build_xls(path, tables, rows, **how)
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        write_sheet(book.create_sheet(table.split("_", 1)[1][:31]), table, (rows or {}).get(table), **how)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _build_xls(path: Path, tables: list[str], rows, **how) -> Path:
    import xlwt
    from openpyxl.utils.cell import range_boundaries

    book = xlwt.Workbook(encoding="utf-8")
    for table in tables:
        ws = book.add_sheet(table.split("_", 1)[1][:31])
        cells, ranges, _ = sheet_cells(table, (rows or {}).get(table), **how)
        covered = set()
        for merge in ranges:
            c1, r1, c2, r2 = range_boundaries(merge)
            ws.write_merge(r1 - 1, r2 - 1, c1 - 1, c2 - 1, cells[r1 - 1][c1 - 1] if c1 - 1 < len(cells[r1 - 1]) else None)
            covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        for r, line in enumerate(cells, start=1):
            for c, value in enumerate(line, start=1):
                if value is not None and (r, c) not in covered:
                    ws.write(r - 1, c - 1, value)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(str(path))
    return path


def reference_rows(table: str) -> list[dict]:
    return _rows(table)
