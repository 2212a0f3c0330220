"""Read the Excel reports units send, in the layouts of seed 000's appendices.

Each sheet is matched to one layout (``report_layouts``) by its header block; its rows are
classified by the STT column (a letter or Roman numeral: section; a number, or "10.1":
detail; blank with "Tổng…": total), its cells parsed as Vietnamese numbers ("143.133",
text or numeric), percentages ("63%", "21,62%", "Không nhập") and statuses, and each
detail row's unit name resolved to a unit code with the section and district as context.

Workbooks come from outside, so they are opened defensively: openpyxl in read-only mode
with defusedxml (no entity expansion), and the archive and sheets are measured before
and while reading (no zip bombs, no million-row sheets). A workbook that breaks a rule,
matches no layout or has a cell that is not a number where one is due is rejected whole,
with every problem named by file, sheet, row and column; a unit name that does not
resolve rejects nothing and is reported with its candidates.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from ingestion.report_layouts import Layout, layouts
from ingestion.unit_names import DISTRICT_TYPES, Resolution, plain, register, split_type

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_PACKING_RATIO = 200          # uncompressed ÷ compressed, per archive member
MAX_ROWS, MAX_COLUMNS = 5_000, 60

SECTION_STT = re.compile(r"^(?:[A-Z]|[IVX]+)\.?$")
DETAIL_STT = re.compile(r"^\d+(?:\.\d+)*\.?$")
COLUMN_NUMBERS = re.compile(r"^\(\d+\)$")
UNDEFINED_RATE = {"khong nhap", "-", "x", "n a"}
DATE = r"(\d{1,2})\s*/+\s*(\d{1,2})\s*/+\s*(\d{4})"


class ReportRejected(Exception):
    def __init__(self, file: Path, reason: str, issues: list["CellIssue"] | None = None):
        self.file, self.reason, self.issues = file, reason, issues or []
        lines = [f"{file.name}: {reason}"] + [f"  {i.describe()}" for i in self.issues[:20]]
        if len(self.issues) > 20:
            lines.append(f"  … and {len(self.issues) - 20} more")
        super().__init__("\n".join(lines))


@dataclass
class CellIssue:
    sheet: str
    row: int | None
    column: str | None
    value: str | None
    problem: str

    def describe(self) -> str:
        where = f"sheet {self.sheet!r}" + (f", row {self.row}" if self.row else "") + (
            f", column {self.column}" if self.column else "")
        return f"{where}: {self.problem}" + (f" (found {self.value!r})" if self.value is not None else "")


@dataclass
class ReportRow:
    row_number: int                  # the Excel row
    row_kind: str                    # section | detail | total
    section: str | None
    section_seq: int
    stt: str | None
    unit_name: str
    values: dict[str, object]        # parsed: int counts, Decimal percents (None = undefined), status text
    printed: dict[str, str | None]   # the cells as they read
    cells: dict[str, str]            # column name -> Excel column letter
    resolution: Resolution | None = None


@dataclass
class ReportTable:
    file: Path
    sheet: str
    layout: Layout
    period_start: dt.date | None
    period_end: dt.date
    rows: list[ReportRow] = field(default_factory=list)

    @property
    def unresolved(self) -> list[ReportRow]:
        return [r for r in self.rows if r.resolution and r.resolution.status != "resolved"]


def read_workbook(path: Path) -> list[ReportTable]:
    """Every table of a workbook; raises ReportRejected with the reasons when it cannot be read."""
    _check_archive(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise ReportRejected(path, f"not a readable .xlsx workbook: {exc}") from exc
    tables, issues, unmatched = [], [], []
    try:
        for sheet in book.worksheets:
            rows = _sheet_rows(path, sheet)
            if not any(any(c is not None for c in r) for _, r in rows):
                continue
            table = _table(path, sheet.title, rows, issues)
            if table is None:
                unmatched.append(sheet.title)
            else:
                tables.append(table)
    finally:
        book.close()
    if issues:
        raise ReportRejected(path, f"{len(issues)} cell(s) cannot be read", issues)
    if not tables:
        names = ", ".join(l.name for l in layouts())
        raise ReportRejected(path, f"no sheet matches a known report layout ({names}); "
                                   f"sheets without a match: {', '.join(unmatched) or 'none'}")
    return tables


def _check_archive(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ReportRejected(path, f"file is {size:,} bytes, more than the {MAX_FILE_BYTES:,} a report may have")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise ReportRejected(path, "not an .xlsx workbook (not a zip archive)") from exc
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise ReportRejected(path, f"unpacks to more than {MAX_UNPACKED_BYTES:,} bytes")
    for m in members:
        if m.compress_size and m.file_size / m.compress_size > MAX_PACKING_RATIO:
            raise ReportRejected(path, f"member {m.filename} is packed {m.file_size // m.compress_size}:1, "
                                       f"more than {MAX_PACKING_RATIO}:1 (a zip bomb?)")


def _sheet_rows(path: Path, sheet) -> list[tuple[int, list]]:
    rows = []
    for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
        if number > MAX_ROWS:
            raise ReportRejected(path, f"sheet {sheet.title!r} has more than {MAX_ROWS:,} rows")
        rows.append((number, [_cell(c) for c in row]))
    return rows


def _cell(cell) -> object:
    value = getattr(cell, "value", None)
    if isinstance(value, float) and "%" in (getattr(cell, "number_format", "") or ""):
        return f"{Decimal(str(value)) * 100}%"
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value).strip() or None
    return value


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _table(path: Path, sheet: str, rows: list[tuple[int, list]], issues: list[CellIssue]) -> ReportTable | None:
    header_at = next((i for i, (_, r) in enumerate(rows) if any(plain(_text(c)) == "stt" for c in r)), None)
    if header_at is None:
        return None
    stt_col = next(j for j, c in enumerate(rows[header_at][1]) if plain(_text(c)) == "stt")
    first_data = next((i for i in range(header_at + 1, len(rows)) if _is_data(rows[i][1], stt_col)), len(rows))
    header = plain(" ".join(_text(c) for _, r in rows[header_at:first_data] for c in r))
    title = plain(" ".join(_text(c) for _, r in rows[:header_at] for c in r))
    layout = next((l for l in layouts() if l.matches(header, title)), None)
    if layout is None:
        return None

    body, notes = [], []
    for i in range(first_data, len(rows)):
        number, cells = rows[i]
        stt = _text(cells[stt_col] if stt_col < len(cells) else None).strip()
        if notes or (stt and not (SECTION_STT.match(stt) or DETAIL_STT.match(stt))):
            notes.append(" ".join(_text(c) for c in cells))   # the table has ended: notes below it
            continue
        if any(c is not None for c in cells):
            body.append((number, stt, cells))
    period = _period(" ".join(_text(c) for _, r in rows[:header_at] for c in r) + " " + " ".join(notes))
    if period is None:
        issues.append(CellIssue(sheet, None, None, None,
                                "no report period found: the title or the note under the table must say "
                                "'từ ngày dd/mm/yyyy đến ngày dd/mm/yyyy' or 'đến ngày dd/mm/yyyy'"))
        return ReportTable(path, sheet, layout, None, dt.date.min)
    table = ReportTable(path, sheet, layout, *period)
    _read_rows(table, body, stt_col, issues)
    _resolve(table)
    return table


def _is_data(cells: list, stt_col: int) -> bool:
    stt = _text(cells[stt_col] if stt_col < len(cells) else None).strip()
    name = _text(cells[stt_col + 1] if stt_col + 1 < len(cells) else None)
    return bool(SECTION_STT.match(stt) or DETAIL_STT.match(stt) or (not stt and plain(name).startswith("tong")))


def _period(text: str) -> tuple[dt.date | None, dt.date] | None:
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    both = re.search(rf"tu ngay\s*{DATE}\s*den(?: ngay)?\s*{DATE}", text)
    if both:
        d, m, y, d2, m2, y2 = map(int, both.groups())
        return dt.date(y, m, d), dt.date(y2, m2, d2)
    end = re.search(rf"den(?: ngay)?\s*{DATE}", text)
    if end:
        d, m, y = map(int, end.groups())
        return None, dt.date(y, m, d)
    return None


def _read_rows(table: ReportTable, body, stt_col: int, issues: list[CellIssue]) -> None:
    section, seq = None, 0
    for number, stt, cells in body:
        def cell(j):
            return cells[stt_col + 1 + j] if stt_col + 1 + j < len(cells) else None
        name = _text(cell(0)).strip()
        if SECTION_STT.match(stt):
            kind, section, seq = "section", stt.rstrip("."), seq + 1
        elif DETAIL_STT.match(stt):
            kind = "detail"
        elif plain(name).startswith("tong"):
            kind = "total"
        else:
            issues.append(CellIssue(table.sheet, number, get_column_letter(stt_col + 1), stt or None,
                                    "row has no STT and is not a total row"))
            continue
        row = ReportRow(number, kind, section if kind != "total" else None, seq if kind != "total" else 0,
                        stt or None, name, {}, {}, {})
        for j, col in enumerate(table.layout.columns[1:], start=1):
            letter = get_column_letter(stt_col + 1 + j + 1)
            raw = cell(j)
            row.printed[col.name], row.cells[col.name] = (None if raw is None else str(raw)), letter
            value, problem = _parse(col, raw)
            if problem:
                issues.append(CellIssue(table.sheet, number, f"{letter} ({col.name})", str(raw), problem))
            row.values[col.name] = value
        table.rows.append(row)


def _parse(col, raw) -> tuple[object, str | None]:
    if raw is None:
        return None, None
    if col.kind == "count":
        if isinstance(raw, bool):
            return None, "expected a whole number"
        if isinstance(raw, (int, float)):
            return (int(raw), None) if float(raw).is_integer() else (None, "expected a whole number")
        text = str(raw).replace("\u00a0", "").replace(" ", "")
        if re.fullmatch(r"-?\d{1,3}(?:\.\d{3})+|-?\d+", text):
            return int(text.replace(".", "")), None
        return None, "expected a whole number written like 143.133"
    if col.kind == "percent":
        if isinstance(raw, (int, float)):
            return Decimal(str(raw)), None
        text = plain(str(raw)) if not re.search(r"\d", str(raw)) else str(raw).replace(" ", "")
        if text in UNDEFINED_RATE:
            return None, None
        match = re.fullmatch(r"(-?\d+(?:[.,]\d+)?)%?", text)
        if match:
            try:
                return Decimal(match.group(1).replace(",", ".")), None
            except InvalidOperation:
                pass
        return None, "expected a percentage like 21% or 21,62%, or 'Không nhập'"
    if col.kind == "status":
        allowed = {plain(v): v for v in col.values}
        if plain(str(raw)) in allowed:
            return allowed[plain(str(raw))], None
        return None, f"expected one of: {'; '.join(col.values)}"
    return str(raw), None


def _resolve(table: ReportTable) -> None:
    """Resolve every detail row's unit, with its section's kinds and the district in context."""
    units = register()
    district, names, targets = None, [], []
    for row in table.rows:
        section = table.layout.section(row.section)
        if row.row_kind == "section":
            district = None
            if section.sets_district:
                found = units.resolve(row.unit_name, kinds={"district"}, on=table.period_end)
                district = found.code
            continue
        if row.row_kind != "detail":
            continue
        is_district_row = False
        if table.layout.district_rows_set_context:
            found = units.resolve(row.unit_name, kinds={"district"}, on=table.period_end)
            if found.status == "resolved" and split_type(plain(row.unit_name))[0] in DISTRICT_TYPES:
                district, is_district_row = found.code, True
        names.append((row.unit_name, dict(district=None if is_district_row else district,
                                          kinds=set(section.kinds) if section.kinds else None, on=table.period_end)))
        targets.append((row, section))
    for (row, section), resolution in zip(targets, units.resolve_table(names)):
        if section.scope == "children" or (resolution.code or "").startswith("VPDKDD"):
            resolution.scope = "children"
        row.resolution = resolution
