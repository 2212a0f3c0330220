"""Open the workbooks units send — .xlsx (openpyxl) and Excel 97–2003 .xls (xlrd) — as plain
grids of cell values with their merged ranges, under the same safety limits.

Workbooks come from outside, so they are measured before and while reading: the file's
size, for .xlsx the archive (unpacked size, packing ratio: no zip bombs) and for both the
rows and columns a sheet holds. openpyxl parses with defusedxml (no entity expansion);
the cells are first streamed in read-only mode, and only a workbook within the limits is
opened again to learn its merged cells (which read-only mode does not give).
"""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_PACKING_RATIO = 200          # uncompressed ÷ compressed, per archive member
MAX_ROWS, MAX_COLUMNS = 5_000, 60
SUFFIXES = (".xlsx", ".xls")


class UnreadableWorkbook(Exception):
    """The file is not a workbook we may read; the message says why."""


def first_line(exc: BaseException, default: str = "") -> str:
    """An error's message, first line only (parsers' messages run on), or ``default``."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else default


def not_readable(exc: BaseException) -> UnreadableWorkbook:
    """A workbook parser's failure (openpyxl raises ParseError for malformed sheet XML,
    IndexError for a shared string that does not exist, and many more) as the verdict."""
    text = first_line(exc)
    return UnreadableWorkbook(f"not a readable workbook: {type(exc).__name__}{': ' + text if text else ''}")


def guarded_rows(rows):
    """The rows of an openpyxl sheet, whose parse errors surface only while iterating."""
    try:
        yield from rows
    except UnreadableWorkbook:
        raise
    except Exception as exc:
        raise not_readable(exc) from exc


@dataclass
class Sheet:
    title: str
    rows: list[tuple[int, list]]                      # (Excel row number, cell values from column A)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)   # min_row, min_col, max_row, max_col (1-based)

    def merged_value(self, row: int, col: int) -> object:
        """The value shown in a cell: its own, or the top-left value of the merged range it lies in."""
        for r1, c1, r2, c2 in self.merges:
            if r1 <= row <= r2 and c1 <= col <= c2:
                return self.value(r1, c1)
        return self.value(row, col)

    def value(self, row: int, col: int) -> object:
        if 1 <= row <= len(self.rows):
            cells = self.rows[row - 1][1]
            return cells[col - 1] if col - 1 < len(cells) else None
        return None


def read_sheets(path: Path) -> list[Sheet]:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise UnreadableWorkbook(f"file is {size:,} bytes, more than the {MAX_FILE_BYTES:,} a report may have")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        return _read_xls(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise UnreadableWorkbook(f"not a workbook we read ({', '.join(SUFFIXES)})")


def _read_xlsx(path: Path) -> list[Sheet]:
    check_archive(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise UnreadableWorkbook(f"not a readable .xlsx workbook: {exc}") from exc
    try:
        sheets = [Sheet(ws.title, _xlsx_rows(ws)) for ws in book.worksheets]
    finally:
        book.close()
    try:
        full = openpyxl.load_workbook(path, data_only=True)   # within the limits now: for the merged ranges
    except Exception as exc:
        raise not_readable(exc) from exc
    try:
        for sheet, ws in zip(sheets, full.worksheets):
            sheet.merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    finally:
        full.close()
    return sheets


def check_archive(path: Path, max_unpacked: int = MAX_UNPACKED_BYTES) -> None:
    """An .xlsx is a zip archive: refuse one that is not, or that unpacks too far (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise UnreadableWorkbook("not an .xlsx workbook (not a zip archive)") from exc
    if sum(m.file_size for m in members) > max_unpacked:
        raise UnreadableWorkbook(f"unpacks to more than {max_unpacked:,} bytes")
    for m in members:
        if m.compress_size and m.file_size / m.compress_size > MAX_PACKING_RATIO:
            raise UnreadableWorkbook(f"member {m.filename} is packed {m.file_size // m.compress_size}:1, "
                                     f"more than {MAX_PACKING_RATIO}:1 (a zip bomb?)")


def _xlsx_rows(ws) -> list[tuple[int, list]]:
    rows = []
    for number, row in enumerate(guarded_rows(ws.iter_rows()), start=1):
        if number > MAX_ROWS:
            raise UnreadableWorkbook(f"sheet {ws.title!r} has more than {MAX_ROWS:,} rows")
        values = [_xlsx_cell(c) for c in row]
        _check_width(ws.title, number, values)
        rows.append((number, values[:MAX_COLUMNS]))
    return rows


def _xlsx_cell(cell) -> object:
    value = getattr(cell, "value", None)
    if isinstance(value, float) and "%" in (getattr(cell, "number_format", "") or ""):
        return f"{Decimal(str(value)) * 100}%"
    return _text_cell(value)


def _read_xls(path: Path) -> list[Sheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError and others for broken files
        raise UnreadableWorkbook(f"not a readable .xls workbook: {exc}") from exc
    try:
        sheets = []
        for index in range(book.nsheets):
            ws = book.sheet_by_index(index)
            if ws.nrows > MAX_ROWS:
                raise UnreadableWorkbook(f"sheet {ws.name!r} has more than {MAX_ROWS:,} rows")
            rows = []
            for r in range(ws.nrows):
                values = [_xls_cell(book, ws, r, c) for c in range(ws.ncols)]
                _check_width(ws.name, r + 1, values)
                rows.append((r + 1, values[:MAX_COLUMNS]))
            merges = [(r1 + 1, c1 + 1, r2, c2) for r1, r2, c1, c2 in ws.merged_cells]   # xlrd: half-open, 0-based
            sheets.append(Sheet(ws.name, rows, merges))
            book.unload_sheet(index)
        return sheets
    finally:
        book.release_resources()


def _xls_cell(book, ws, r: int, c: int) -> object:
    import xlrd

    cell = ws.cell(r, c)
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        fmt = book.format_map.get(book.xf_list[cell.xf_index].format_key)
        if fmt is not None and "%" in fmt.format_str:
            return f"{Decimal(str(cell.value)) * 100}%"
        return int(cell.value) if float(cell.value).is_integer() else cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_DATE:
        return xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    return _text_cell(cell.value)


def _text_cell(value: object) -> object:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip() or None
    return value


def _check_width(title: str, number: int, values: list) -> None:
    if any(v is not None for v in values[MAX_COLUMNS:]):
        raise UnreadableWorkbook(f"sheet {title!r} row {number} has cells beyond column {MAX_COLUMNS}")
