"""Read one delivered file into DuckDB and check it against its source's contract.

CSV goes through DuckDB's own reader; .xlsx is streamed with openpyxl in read-only mode.
Both arrive as text, so every type is parsed, and every failure found, by one set of SQL
expressions taken from the contract.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import zipfile

import duckdb
import pyarrow as pa
from openpyxl.utils.exceptions import InvalidFileException

from ingestion.contracts import Column, Contract
from ingestion.workbook_files import UnreadableWorkbook, check_archive, first_line, guarded_rows, not_readable
from warehouse.database import sql_identifier, sql_literal

STAGED = "_staged_file"   # a view of the file as delivered, every value as text (a CSV is read once, by TYPED)
WORKBOOK = "_workbook_rows"   # a workbook's first sheet as text, behind that view
TYPED = "_typed_file"     # its contract columns parsed once, with a flag for each non-text value that did not parse
MAX_ISSUES_PER_CHECK = 200  # enough to read and fix; the count of all of them is kept
XLSX_BATCH_ROWS = 50_000
MAX_EXTRACT_UNPACKED_BYTES = 4 * 1024**3   # a national day's extract fits; the packing ratio stops bombs
EARLIEST_YEAR = 1990   # no date of the portals is older; an earlier one is a two-digit year read as is


@dataclass(frozen=True)
class Issue:
    """One reason a file breaks its contract. row_number 1 is the first data row under the header."""

    problem: str
    row_number: int | None = None
    column: str | None = None
    value: str | None = None

    def describe(self) -> str:
        where = []
        if self.row_number is not None:
            where.append(f"row {self.row_number} (line {self.row_number + 1})")
        if self.column is not None:
            where.append(f"column {self.column}")
        value = f": value {self.value!r}" if self.value is not None else ""
        return f"{', '.join(where) + ': ' if where else ''}{self.problem}{value}"


@dataclass
class StagedFile:
    """A file read into the temporary table, with the SQL that yields its typed contract columns."""

    row_count: int
    select_typed: str
    issues: list[Issue] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)


def stage_file(con: duckdb.DuckDBPyConnection, path: Path, contract: Contract) -> StagedFile:
    try:
        headers, delivered, numbers = _read_as_text(con, path)
    except Refused as exc:
        return StagedFile(0, "", exc.issues)
    except UNREADABLE as exc:
        return StagedFile(0, "", _unreadable(path, exc))

    # a header given twice, or values under no header, would be read silently wrong
    issues: list[Issue] = header_issues(con, delivered, headers)
    mapping: dict[str, str] = {}  # contract column -> the staged table's column
    named: dict[str, str] = {}    # contract column -> its header as delivered
    ignored = []
    for header, as_delivered in zip(headers, delivered):
        name = contract.canonical_name(as_delivered) if as_delivered.strip() else None
        if name is None:
            if as_delivered.strip():
                ignored.append(as_delivered)
        elif name in mapping:
            if as_delivered.strip().lower() != named[name].strip().lower():   # a repeat is already an issue
                issues.append(Issue(f"headers {named[name]!r} and {as_delivered!r} both mean {name}", column=name))
        else:
            mapping[name], named[name] = header, as_delivered
    for col in contract.columns:
        if col.required and col.name not in mapping:
            aliases = ", ".join(col.aliases)
            issues.append(Issue(f"required column is missing (accepted headers: {col.name}, {aliases})", column=col.name))
    if issues:
        try:
            row_count = con.execute(f"select count(*) from {STAGED}").fetchone()[0]
        except UNREADABLE as exc:
            return StagedFile(0, "", _unreadable(path, exc))
        return StagedFile(row_count, "", _csv_diagnosis(path) or issues, ignored)

    # Each value is parsed once, into a temporary table of the typed columns (and for a
    # non-text column a flag telling "not a valid date" from "empty", cheaper than keeping a
    # copy of its text); then every check counts its rows in one
    # scan of that table, and only the checks that fail go back to the file for their rows'
    # numbers and values as delivered.
    delivered_text, parsed, typed, checks, selects = [], [], [], [], []
    for col in contract.columns:
        name = sql_identifier(col.name)
        if col.name not in mapping:
            selects.append(f"cast(null as {col.sql_type}) as {name}")
            continue
        selects.append(name)
        raw = f"nullif(trim({sql_identifier(mapping[col.name])}), '')"  # a header as delivered
        if col.type == "text":   # nfc_normalize keeps a null null and a non-empty text non-empty
            delivered_text.append(f"{raw} as {name}")
            parsed.append(f"{_parse(col, name, contract.timestamp_formats)} as {name}")
            typed.append(name)
            empty = f"{name} is null"
        else:
            text, invalid = sql_identifier(f"_text_{col.name}"), sql_identifier(f"_invalid_{col.name}")
            delivered_text.append(f"{raw} as {text}")
            parsed.append(f"{_parse(col, text, contract.timestamp_formats)} as {name}, {text}")
            typed += [name, f"({text} is not null and {name} is null) as {invalid}"]
            empty = f"{name} is null and not {invalid}"
            checks.append((invalid, col.name, mapping[col.name], f"is not a valid {col.type}{_expected(col, contract)}"))
        if col.required:
            checks.append((empty, col.name, mapping[col.name], "required value is empty"))
        if col.type == "text" and mapping[col.name] in numbers:
            row, value = numbers[mapping[col.name]]
            checks.append(Issue(
                f"holds numbers in the workbook where the contract has text: a code stored as a number loses its "
                f"leading and trailing zeros (070… reads 70…, 1.001200 reads 1.0012); format the column as Text "
                f"in Excel and deliver again", row_number=row, column=col.name, value=_cell_text(value)))
        if col.type in ("timestamp", "date"):
            # %Y reads "20/12/21" as the year 21: a two-digit year parses, silently wrong
            checks.append((f"{name} < date '{EARLIEST_YEAR}-01-01'", col.name, mapping[col.name],
                           f"has a year before {EARLIEST_YEAR}: write four-digit years (20/12/2021, not 20/12/21)"))
    for first, second, years, why in contract.date_span:
        # here, not in the pandas frame of the load checks: a year-9999 date is plain SQL arithmetic
        if first in mapping and second in mapping:
            checks.append((f"{sql_identifier(second)} > {sql_identifier(first)} + interval {years} year", second,
                           mapping[second], f"is more than {years} years after {first} ({why})"))
    con.execute(f"drop table if exists {TYPED}")
    try:   # for a CSV, the one read of the file: a line DuckDB cannot parse fails here
        con.execute(f"create temp table {TYPED} as select _row_number, {', '.join(typed)} from "
                    f"(select _row_number, {', '.join(parsed)} from "
                    f"(select _row_number, {', '.join(delivered_text)} from {STAGED}))")
    except UNREADABLE as exc:
        return StagedFile(0, "", _unreadable(path, exc), ignored)
    row_count = con.execute(f"select count(*) from {TYPED}").fetchone()[0]
    issues += _failing_rows(con, checks)
    select_typed = f"select {', '.join(selects)}, _row_number from {TYPED}"
    return StagedFile(row_count, select_typed, issues, ignored)


# what a file that cannot be read raises: the whole file is the issue
UNREADABLE = (duckdb.Error, ValueError, OSError, KeyError, zipfile.BadZipFile, InvalidFileException, UnreadableWorkbook)


def _unreadable(path: Path, exc: Exception) -> list[Issue]:
    return _csv_diagnosis(path) or [Issue(f"cannot be read as {path.suffix or 'a known format'}: "
                                          f"{first_line(exc, type(exc).__name__)}")]


class Refused(ValueError):
    """A file refused before its rows are read (its header or its workbook would be read wrong), with the issues."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("; ".join(i.describe() for i in issues))


def _csv_header(path: Path) -> list[str]:
    """The CSV's header row as the file has it (a repeated or a blank header kept: the checks
    name them)."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        header = next(csv.reader(f), [])
    if not header:
        raise ValueError("the file is empty: not even a header row")
    return header


def header_issues(con: duckdb.DuckDBPyConnection, delivered: list[str], columns: list[str]) -> list[Issue]:
    issues, seen = [], {}
    for i, (header, column) in enumerate(zip(delivered, columns), start=1):
        key = header.strip().lower()
        if not key:
            filled = con.execute(f'select count({sql_identifier(column)}) from {STAGED}').fetchone()[0]
            if filled:
                issues.append(Issue(f"column {i} has {filled} value(s) but no header: name it, or remove the column",
                                    column=f"column {i}"))
        elif key in seen:
            issues.append(Issue(f"header {header!r} is given twice (columns {seen[key]} and {i}): "
                                "which one holds the data is not guessed; keep one", column=header))
        else:
            seen[key] = i
    return issues


def _read_as_text(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[list[str], list[str], dict[str, tuple[int, object]]]:
    """Load the file as all-text columns plus its data-row number; return the table's column
    names, the headers as delivered (repeated and blank ones kept), position by position, and
    for a workbook the columns that hold numeric cells (the first one's data row and value)."""
    con.execute(f"drop table if exists {TYPED}")
    suffix = path.suffix.lower()
    numbers: dict[str, tuple[int, object]] = {}
    if suffix == ".csv":
        # A view, so that parsing the types reads the file once. The header is read here and
        # the columns named by position: DuckDB's type sniffer would cost a fifth of the
        # load, and every value is text anyway. DuckDB drops a UTF-8 byte-order mark itself;
        # insertion order is preserved, so row_number() over () is the data-row number.
        delivered = _csv_header(path)
        columns = [f"column{i}" for i in range(1, len(delivered) + 1)]
        types = ", ".join(f"{sql_literal(c)}: 'VARCHAR'" for c in columns)
        con.execute(
            f"create or replace temp view {STAGED} as select row_number() over () as _row_number, * from "
            f"read_csv({sql_literal(str(path))}, header = true, auto_detect = false, columns = {{{types}}}, "
            "delim = ',', quote = '\"', escape = '\"', encoding = 'utf-8')"
        )
        return columns, delivered, numbers
    if suffix != ".xlsx":
        raise ValueError(f"unsupported file type {suffix!r}: expected .csv or .xlsx")
    table, delivered, numbers = _xlsx_as_text(path)
    con.register("_xlsx_rows", table)
    con.execute(f"create or replace temp table {WORKBOOK} as select row_number() over () as _row_number, * from _xlsx_rows")
    con.unregister("_xlsx_rows")
    con.execute(f"create or replace temp view {STAGED} as select * from {WORKBOOK}")
    columns = [row[0] for row in con.execute(f"describe {STAGED}").fetchall() if row[0] != "_row_number"]
    return columns, delivered, numbers


def _xlsx_as_text(path: Path) -> tuple[pa.Table, list[str], dict[str, tuple[int, object]]]:
    """The first sheet as a text table, streamed in batches (read-only mode never loads the whole
    sheet), and the columns holding numeric cells: a code Excel stored as a number cannot be
    read back as it was typed."""
    from openpyxl import load_workbook

    check_archive(path, MAX_EXTRACT_UNPACKED_BYTES)   # not a zip (a text file, an encrypted workbook), or a zip bomb
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:   # openpyxl raises many types for a broken workbook
        raise not_readable(exc) from exc
    try:
        sheet = workbook.worksheets[0]
        _check_sheets(workbook.worksheets)
        merges, formulas = scan_sheet_xml(workbook, sheet)
        merged = [ref for ref in merges if ref_rows(ref)[0] == 1]
        if merged:   # a merged header leaves all but one of its columns unnamed, and shifts nothing visibly
            raise Refused([Issue(f"header cells {ref} are merged: give each column its own header cell in "
                                 "row 1 (unmerge them)", column=ref) for ref in merged])
        if formulas:   # read as empty cells: the values Excel shows are not in the file
            shown = ", ".join(formulas[:10]) + (f" (and {len(formulas) - 10} more)" if len(formulas) > 10 else "")
            raise Refused([Issue(f"formulas without stored values in sheet {sheet.title!r}: open and save the file "
                                 "in Excel, or paste values", value=shown)])
        rows = guarded_rows(sheet.iter_rows(values_only=True))
        header = next(rows, None)
        if not header:
            raise ValueError("the first sheet is empty")
        delivered = [str(h).strip() if h is not None else "" for h in header]
        names = [f"{h}_{i + 1}" if not h or delivered.index(h) != i else h for i, h in enumerate(delivered)]
        batches, batch, numbers, data_row = [], [], {}, 0
        for row in rows:
            if row is None or all(v is None for v in row):
                continue
            data_row += 1
            for name, value in zip(names, row):
                if isinstance(value, (int, float)) and not isinstance(value, bool) and name not in numbers:
                    numbers[name] = (data_row, value)
            batch.append([_cell_text(v) for v in row[: len(names)]] + [None] * (len(names) - len(row)))
            if len(batch) >= XLSX_BATCH_ROWS:
                batches.append(_batch(names, batch))
                batch = []
        batches.append(_batch(names, batch))
        return pa.concat_tables(batches), delivered, numbers
    finally:
        workbook.close()


MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')
# a formula cell and its cached value: <c r="I2"><f>H2+7</f><v>44550</v></c>; saved by a tool that
# does not calculate, the value is missing (<v/>, or no <v>) and read-only openpyxl reads an empty cell
FORMULA_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?)\br="([A-Z]+\d+)"([^>]*)>\s*<(?:\w+:)?f\b[^>]*?(?:/>|>[^<]*</(?:\w+:)?f>)'
                          rb'\s*(<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>|<(?:\w+:)?v>)?')
OVERLAP = 8192   # a tag cut between two chunks is found whole in the next block


def scan_sheet_xml(workbook, sheet) -> tuple[list[str], list[str]]:
    """What read-only openpyxl does not give, found in the sheet's XML, streamed: its merged
    ranges ("A1:B1", after every row) and its formula cells without a stored value ("I2")."""
    merged, uncached, tail = [], [], b""
    with workbook._archive.open(sheet._worksheet_path) as xml:
        for chunk in iter(lambda: xml.read(1 << 20), b""):
            block = tail + chunk
            merged += [m.decode() for m in MERGE_CELL.findall(block)]
            uncached += [m.group(2).decode() for m in FORMULA_CELL.finditer(block) if _no_stored_value(m)]
            tail = block[-OVERLAP:]
    return list(dict.fromkeys(merged)), list(dict.fromkeys(uncached))


def _no_stored_value(match: re.Match) -> bool:
    value = match.group(4)
    if value is None or value.endswith(b"/>"):      # no <v>, or <v/>
        return True
    if b"</" in value:     # <v></v>: a stored empty text for a text formula (t="str"); otherwise nothing stored
        return b't="str"' not in match.group(1) + match.group(3)
    return False           # <v>…: a stored value


def _check_sheets(sheets) -> None:
    """The first sheet is read: refuse a workbook where that is not the data a person sees."""
    first = sheets[0]
    if first.sheet_state != "visible":
        raise Refused([Issue(f"the first sheet {first.title!r} is {first.sheet_state}: the extract is read from "
                             "the first sheet; delete it or make the data sheet the first, visible one",
                             value=", ".join(f"{ws.title} ({ws.sheet_state})" for ws in sheets))])
    filled = [ws.title for ws in sheets if _holds_data(ws)]
    if len(filled) > 1:
        raise Refused([Issue(f"more than one sheet holds data ({', '.join(repr(t) for t in filled)}): which one is "
                             "the extract is not guessed; deliver the extract alone in one sheet")])


def _holds_data(ws) -> bool:
    return any(v is not None for row in guarded_rows(ws.iter_rows(values_only=True)) for v in row)


def ref_rows(ref: str) -> tuple[int, int]:
    rows = [int(re.sub(r"[A-Z]+", "", part)) for part in ref.split(":")]
    return rows[0], rows[-1]


def _batch(names: list[str], rows: list[list[str | None]]) -> pa.Table:
    columns = list(zip(*rows)) if rows else [[] for _ in names]
    return pa.table({n: pa.array(list(c), type=pa.string()) for n, c in zip(names, columns)})


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


# Characters NFC leaves as they are wherever they stand (no combining class, no decomposition
# that recomposes differently, never the second of a composed pair): Latin with its
# supplements and IPA, the precomposed Vietnamese letters (U+1E00-U+1EFF), and punctuation.
# A text made only of these is already NFC, so it is not normalised again: normalising every
# name and address cost a fifth of a day's load. tests/test_reader_parse.py checks the set.
NFC_STABLE = r"[\x{0}-\x{2FF}\x{1E00}-\x{1EFF}\x{2002}-\x{206F}]*"


def _parse(col: Column, raw: str, timestamp_formats: tuple[str, ...]) -> str:
    if col.type == "text":
        return f"(case when regexp_full_match({raw}, {sql_literal(NFC_STABLE)}) then {raw} else nfc_normalize({raw}) end)"
    if col.type == "integer":   # plain digits: a cast would round 9.5, and read 150.000 (150 000 VND) as 150
        return f"(case when regexp_full_match({raw}, '[+-]?[0-9]+') then try_cast({raw} as bigint) end)"
    if col.type == "boolean":
        return f"(case lower({raw}) when '1' then true when 'true' then true when '0' then false when 'false' then false end)"
    formats = ", ".join(sql_literal(f) for f in timestamp_formats)
    parsed = f"try_strptime({raw}, [{formats}])"
    return f"cast({parsed} as date)" if col.type == "date" else parsed


def _expected(col: Column, contract: Contract) -> str:
    if col.type in ("timestamp", "date"):
        return " (formats: " + ", ".join(contract.timestamp_formats) + ")"
    if col.type == "boolean":
        return " (1, 0, true or false)"
    if col.type == "integer":
        return " (plain digits: no decimals, thousands separators or exponent)"
    return ""


def _failing_rows(con, checks: list) -> list[Issue]:
    """The issues of the checks, in their order: a check (condition on the typed table, column,
    header as delivered, problem) gives the rows failing it, by row number, with the value as
    delivered, and past MAX_ISSUES_PER_CHECK rows one more issue counting the rest; an Issue
    is one already found. One scan counts the rows of every check."""
    conditions = [c[0] for c in checks if not isinstance(c, Issue)]
    if not conditions:
        return [c for c in checks if isinstance(c, Issue)]
    counts = iter(con.execute("select " + ", ".join(f"count_if({condition})" for condition in conditions)
                              + f" from {TYPED}").fetchone())
    issues = []
    for check in checks:
        if isinstance(check, Issue):
            issues.append(check)
        elif total := next(counts):
            issues += _rows_where(con, *check, total)
    return issues


def _rows_where(con, condition: str, column: str, header: str, problem: str, total: int) -> list[Issue]:
    rows = con.execute(
        f"select _row_number, {sql_identifier(header)} from {STAGED} where _row_number in "
        f"(select _row_number from {TYPED} where {condition} order by _row_number limit {MAX_ISSUES_PER_CHECK}) "
        "order by _row_number"
    ).fetchall()
    issues = [Issue(problem, row_number=r, column=column, value=v) for r, v in rows]
    if total > MAX_ISSUES_PER_CHECK:
        issues.append(Issue(f"{total - MAX_ISSUES_PER_CHECK} more rows with the same problem", column=column))
    return issues


def _csv_diagnosis(path: Path) -> list[Issue]:
    """For a CSV that DuckDB could not read, or whose headers do not fit: the line and cause."""
    if path.suffix.lower() != ".csv":
        return []
    from ingestion.csv_diagnosis import diagnose   # here: it imports this module

    try:
        return diagnose(path)
    except (OSError, ValueError, IndexError):   # the diagnosis only adds detail: never a crash
        return []


