"""Read the Excel reports units send, in the layouts of seed 000's appendices.

Each sheet is matched to one layout (``report_layouts``) by the meaning of its column
headings; its rows are classified by the STT column (a letter or Roman numeral: section;
a number, or "10.1": detail; blank with "Tổng…": total), its cells parsed as Vietnamese
numbers ("143.133", text or numeric), percentages ("63%", "21,62%", "Không nhập") and
statuses, and each detail row's unit name resolved to a unit code with the section, the
district and the sending unit as context. The period comes from wherever the sheet says
it (title, subtitle, the note under the table) or from the sidecar file the office gives
(``report_context``); a sheet with none waits for it. Text typed in the legacy TCVN3 or
VNI font encodings is decoded first (``legacy_text``), each converted cell a finding.

A workbook that breaks a safety rule (``workbook_files``), matches no layout or has a
cell that is not a number where one is due is rejected whole, with every problem named
by file, sheet, row and column; a unit name that does not resolve rejects nothing and is
reported with its candidates.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from openpyxl.utils import get_column_letter

from ingestion.legacy_text import Conversion, decode_cells
from ingestion.report_context import Given, find_period, find_sender, given_for
from ingestion.report_layouts import Layout, LayoutMatch, best_match
from ingestion.unit_names import DISTRICT_TYPES, Resolution, UnitRegister, plain, register, split_type
from ingestion.file_names import readable
from ingestion.workbook_files import Sheet, UnreadableWorkbook, not_readable, read_sheets

SECTION_STT = re.compile(r"^(?:[A-Z]|[IVX]+)\.?$")
DETAIL_STT = re.compile(r"^\d+(?:\.\d+)*\.?$")
COLUMN_NUMBERS = re.compile(r"^\(\d+\)$")
UNDEFINED_RATE = {"khong nhap", "-", "x", "n a"}
MAX_COUNT = 10**15            # VND amounts reach 10^12; beyond this a cell is a typing slip (and overflows storage)
MAX_PERCENT = Decimal(10**6)  # rates and changes, in percent


class ReportRejected(Exception):
    def __init__(self, file: Path, reason: str, issues: list["CellIssue"] | None = None):
        self.file, self.reason, self.issues = file, reason, issues or []
        lines = [f"{readable(file.name)}: {reason}"] + [f"  {i.describe()}" for i in self.issues[:20]]
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


class ReportWaiting(Exception):
    """A workbook that can be read but lacks what only the office can say (its period)."""

    def __init__(self, file: Path, missing: list[str]):
        self.file, self.missing = file, missing
        super().__init__(f"{file.name}: waits for " + "; ".join(missing))


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
    match: LayoutMatch | None = None
    converted: list[Conversion] = field(default_factory=list)   # cells decoded from TCVN3 or VNI
    period_from: str = "sheet"        # sheet | given (the sidecar file or `tthc unit-report add`)
    sender: Resolution | None = None  # the unit that sent the report, when the sheet or the office says it
    province: str | None = None       # another province than the platform's (a former Đồng Nai unit's report: 75)

    def recognised(self) -> str:
        """Which column of the sheet each of the layout's columns was read from."""
        return ", ".join(f"{name}={get_column_letter(j + 1)}" for name, j in self.match.columns.items())

    @property
    def unresolved(self) -> list[ReportRow]:
        return [r for r in self.rows if r.resolution and r.resolution.status != "resolved"]


def read_workbook(path: Path, units: UnitRegister | None = None) -> list[ReportTable]:
    """Every table of a workbook; raises ReportRejected with the reasons when it cannot be
    read, ReportWaiting when a table's period is neither in the sheet nor given. ``units``:
    the home's register (``unit_names.register()`` by default)."""
    units = units or register()
    try:
        sheets = read_sheets(path)
    except UnreadableWorkbook as exc:
        raise ReportRejected(path, str(exc)) from exc
    except Exception as exc:   # a parser failure not met before: the file's verdict, not the run's end
        raise ReportRejected(path, str(not_readable(exc))) from exc
    given = given_for(path)
    tables, issues, unmatched, waiting = [], [], [], []
    for sheet in sheets:
        if not any(any(c is not None for c in r) for _, r in sheet.rows):
            continue
        converted = decode_cells(sheet.rows)          # before anything reads the text
        waiting += [f"sheet {sheet.title!r} cell {get_column_letter(c.column)}{c.row}: {c.found!r} is in a legacy font "
                    f"encoding ({c.encoding or 'neither TCVN3 nor VNI'}) that does not decode to Vietnamese; "
                    f"convert the workbook to Unicode (e.g. with Unikey) and deliver it again"
                    for c in converted if not c.text]
        table = _table(path, sheet, given, issues, unmatched, units)
        if table is None:
            continue
        table.converted = [c for c in converted if c.text]
        if table.period_end is None:
            waiting.append(f"sheet {sheet.title!r} ({table.layout.name}): no report period in the sheet; give it with "
                           f"`tthc unit-report add {path.name} --period 2022Q1` (or 2022-03, 2022H1, 2022, "
                           f"2021-12-15..2022-03-14) or in {path.name}.yaml")
            continue
        # a near miss with one candidate is not taken silently: the office confirms it once
        waiting += [f"sheet {sheet.title!r} row {r.row_number}: {r.unit_name!r} is close to {r.resolution.candidates[0]}; "
                    f"confirm with `tthc units alias add \"{r.unit_name}\" {r.resolution.code}` (or give the right code)"
                    for r in table.rows if r.resolution and r.resolution.how == "typo"]
        tables.append(table)
    if issues:
        raise ReportRejected(path, f"{len(issues)} cell(s) cannot be read", issues)
    if waiting:
        raise ReportWaiting(path, waiting)
    if not tables:
        raise ReportRejected(path, "no sheet matches a known report layout: " + ("; ".join(unmatched) or "no sheet has a table"))
    return tables


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _table(path: Path, sheet: Sheet, given: Given, issues: list[CellIssue], unmatched: list[str],
           units: UnitRegister) -> ReportTable | None:
    rows = sheet.rows
    header_at = next((i for i, (_, r) in enumerate(rows) if any(plain(_text(c)) == "stt" for c in r)), None)
    if header_at is None:
        unmatched.append(f"sheet {sheet.title!r}: no table (no STT column)")
        return None
    stt_col = next(j for j, c in enumerate(rows[header_at][1]) if plain(_text(c)) == "stt")
    first_data = next((i for i in range(header_at + 1, len(rows)) if _is_data(rows[i][1], stt_col)), len(rows))
    title = " ".join(_text(c) for _, r in rows[:header_at] for c in r)
    match, closest = best_match(_headings(sheet, rows[header_at][0], rows[first_data - 1][0], stt_col), title)
    if match is None:
        unmatched.append(f"sheet {sheet.title!r}: " + (
            f"closest layout {closest.layout.name}, which lacks {', '.join(closest.missing) or 'no column'}"
            + ("" if closest.title_fits else " and whose title words are not in the sheet's title")
            + f" (recognised: {', '.join(f'{n}={get_column_letter(j + 1)}' for n, j in closest.columns.items()) or 'none'})"
            if closest else "no layout"))
        return None
    if match.twins:
        issues += [CellIssue(sheet.title, rows[header_at][0], ", ".join(get_column_letter(j + 1) for j in columns),
                             match.headings[columns[0]], f"{len(columns)} columns have the heading of {name}: "
                             "which one holds it is not guessed; remove or rename the extra one")
                   for name, columns in match.twins.items()]
        return None

    body, notes = [], []
    for i in range(first_data, len(rows)):
        number, cells = rows[i]
        stt = _text(cells[stt_col] if stt_col < len(cells) else None).strip()
        if notes or (stt and not (SECTION_STT.match(stt) or DETAIL_STT.match(stt))):
            notes.append(" ".join(_text(c) for c in cells))   # the table has ended: notes and signature below it
            continue
        if any(c is not None for c in cells):
            body.append((number, stt, cells))
    text = title + " " + " ".join(notes)
    period, period_from = (given.period, "given") if given.period else (find_period(text), "sheet")
    table = ReportTable(path, sheet.title, match.layout, *(period or (None, None)), match=match, period_from=period_from)
    if period is None:
        return table
    sender = given.unit or find_sender(text)
    if sender:
        kinds = {"district", "department", "land_office", "service_centre"}
        table.sender = units.resolve(sender, kinds=kinds, on=table.period_end)
        # a report of another province merged into the home's (the former Đồng Nai, before
        # 01/07/2025 another province than Bình Phước): its names are its own
        for province in units.other_provinces if table.sender.status != "resolved" else ():
            other = units.resolve(sender, kinds=kinds, on=table.period_end, province=province)
            if other.status == "resolved":
                table.sender, table.province = other, province
                break
    _read_rows(table, body, stt_col, issues)
    _resolve(table, units)
    return table


def _headings(sheet: Sheet, first: int, last: int, stt_col: int) -> dict[int, str]:
    """Each column's heading from the header rows ``first``..``last``: its own cells and the
    merged cells over it, top to bottom ("Kết quả giải quyết / Số hồ sơ đã giải quyết /
    Quá hạn"), without the "(1) (2) …" numbering row."""
    width = max(len(cells) for _, cells in sheet.rows[first - 1:last])
    out = {}
    for j in range(stt_col + 1, width):
        parts = []
        for r in range(first, last + 1):
            text = _text(sheet.merged_value(r, j + 1)).strip()
            if text and not COLUMN_NUMBERS.match(text) and (not parts or parts[-1] != text):
                parts.append(text)
        out[j] = " / ".join(parts)
    return out


def _is_data(cells: list, stt_col: int) -> bool:
    stt = _text(cells[stt_col] if stt_col < len(cells) else None).strip()
    name = _text(cells[stt_col + 1] if stt_col + 1 < len(cells) else None)
    return bool(SECTION_STT.match(stt) or DETAIL_STT.match(stt) or (not stt and plain(name).startswith("tong")))


def _read_rows(table: ReportTable, body, stt_col: int, issues: list[CellIssue]) -> None:
    section, seq = None, 0
    where = table.match.columns
    for number, stt, cells in body:
        def cell(name):
            j = where[name]
            return cells[j] if j < len(cells) else None
        name = _text(cell("unit_name")).strip()
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
        for col in (c for c in table.layout.columns[1:] if c.name in where):
            letter = get_column_letter(where[col.name] + 1)
            raw = cell(col.name)
            row.printed[col.name], row.cells[col.name] = (None if raw is None else str(raw)), letter
            value, problem = _parse(col, raw)
            if problem:
                issues.append(CellIssue(table.sheet, number, f"{letter} ({col.name})", str(raw), problem))
            row.values[col.name] = value
        table.rows.append(row)


def _parse(col, raw) -> tuple[object, str | None]:
    value, problem = _parse_cell(col, raw)
    if isinstance(value, Decimal) and abs(value) >= MAX_PERCENT:
        return None, f"a percentage of {value}: more than any report holds"
    return value, problem


def _parse_cell(col, raw) -> tuple[object, str | None]:
    if raw is None:
        return None, None
    if col.kind == "count":
        if isinstance(raw, bool):
            return None, "expected a whole number"
        if isinstance(raw, (int, float)):
            value = int(raw) if float(raw).is_integer() else None
        else:
            text = str(raw).replace("\u00a0", "").replace(" ", "")
            if not re.fullmatch(r"-?\d{1,3}(?:\.\d{3})+|-?\d+", text):
                return None, "expected a whole number written like 143.133"
            value = int(text.replace(".", ""))
        if value is None:
            return None, "expected a whole number"
        if abs(value) >= MAX_COUNT:
            return None, f"a count or amount of {len(str(abs(value)))} digits: more than any report holds"
        return value, None
    if col.kind == "percent":
        if isinstance(raw, bool):            # an Excel TRUE/FALSE cell: Decimal("False") would raise
            return None, "expected a percentage like 21% or 21,62%, or 'Không nhập'"
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
    if col.kind == "change":
        # since the previous report, in percentage points: "Tăng 3,7%", "Giảm 2,5%", "Bằng", or a number
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return Decimal(str(raw)), None
        text = unicodedata.normalize("NFC", str(raw)).strip().lower()
        if plain(text) in ("bang", "khong doi"):
            return Decimal(0), None
        match = re.fullmatch(r"(tăng|giảm)?\s*([+-]?\d+(?:[.,]\d+)?)\s*%?", text)
        if match:
            value = Decimal(match.group(2).replace(",", "."))
            return (-value if match.group(1) == "giảm" else value), None
        return None, "expected a change like 'Tăng 3,7%', 'Giảm 2,5%' or 'Bằng'"
    if col.kind == "status":
        allowed = {plain(v): v for v in col.values}
        if plain(str(raw)) in allowed:
            return allowed[plain(str(raw))], None
        return None, f"expected one of: {'; '.join(col.values)}"
    return str(raw), None


def _resolve(table: ReportTable, units: UnitRegister) -> None:
    """Resolve every detail row's unit, with its section's kinds and the district in context."""
    # a bare commune name resolves inside the sending district (a name several districts share)
    sent_by = table.sender.code if table.sender and table.sender.status == "resolved" else None
    home = sent_by if sent_by and units.kind_of(sent_by) == "district" else None
    district, names, targets = None, [], []
    for row in table.rows:
        section = table.layout.section(row.section)
        if row.row_kind == "section":
            district = None
            if section.sets_district:
                found = units.resolve(row.unit_name, kinds={"district"}, on=table.period_end, province=table.province)
                district = found.code
            continue
        if row.row_kind != "detail":
            continue
        is_district_row = False
        if table.layout.district_rows_set_context:
            found = units.resolve(row.unit_name, kinds={"district"}, on=table.period_end, province=table.province)
            if found.status == "resolved" and split_type(plain(row.unit_name))[0] in DISTRICT_TYPES:
                district, is_district_row = found.code, True
        names.append((row.unit_name, dict(district=None if is_district_row else (district or home),
                                          kinds=set(section.kinds) if section.kinds else None, on=table.period_end,
                                          province=table.province)))
        targets.append((row, section))
    for (row, section), resolution in zip(targets, units.resolve_table(names)):
        if section.scope == "children" or (resolution.code or "").startswith("VPDKDD"):
            resolution.scope = "children"
        row.resolution = resolution
