"""Read one delivered file into DuckDB and check it against its source's contract.

CSV goes through DuckDB's own reader; .xlsx is streamed with openpyxl in read-only mode.
Both arrive as text in a temporary table, so every type is parsed, and every failure
found, by one set of SQL expressions taken from the contract.
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
from ingestion.workbook_files import UnreadableWorkbook, check_archive, guarded_rows, not_readable
from warehouse.database import sql_identifier, sql_literal

STAGED = "_staged_file"
MAX_ISSUES_PER_CHECK = 200  # enough to read and fix; the count of all of them is kept
XLSX_BATCH_ROWS = 50_000
MAX_EXTRACT_UNPACKED_BYTES = 4 * 1024**3   # a national day's extract fits; the packing ratio stops bombs


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
        headers, delivered = _read_as_text(con, path)
    except MisshapenHeader as exc:
        return StagedFile(0, "", exc.issues)
    except (duckdb.Error, ValueError, OSError, KeyError, zipfile.BadZipFile, InvalidFileException,
            UnreadableWorkbook) as exc:  # unreadable: the whole file is the issue
        return StagedFile(0, "", _csv_diagnosis(path) or [Issue(f"cannot be read as {path.suffix or 'a known format'}: {_first_line(exc)}")])
    row_count = con.execute(f"select count(*) from {STAGED}").fetchone()[0]

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
        return StagedFile(row_count, "", _csv_diagnosis(path) or issues, ignored)

    selects, parsed_of = [], {}
    for col in contract.columns:
        if col.name not in mapping:
            selects.append(f"cast(null as {col.sql_type}) as {col.name}")
            continue
        raw = f"nullif(trim({sql_identifier(mapping[col.name])}), '')"  # a header as delivered
        parsed = _parse(col, raw, contract.timestamp_formats)
        selects.append(f"{parsed} as {col.name}")
        parsed_of[col.name] = parsed
        if col.required:
            issues += _rows_where(con, f"{raw} is null", col.name, mapping[col.name], "required value is empty")
        if col.type != "text":
            issues += _rows_where(
                con, f"{raw} is not null and {parsed} is null", col.name, mapping[col.name],
                f"is not a valid {col.type}{_expected(col, contract)}",
            )
    for first, second, years, why in contract.date_span:
        # here, not in the pandas frame of the load checks: a year-9999 date is plain SQL arithmetic
        if first in parsed_of and second in parsed_of:
            issues += _rows_where(
                con, f"{parsed_of[second]} > {parsed_of[first]} + interval {years} year", second, mapping[second],
                f"is more than {years} years after {first} ({why})",
            )
    select_typed = f"select {', '.join(selects)}, _row_number from {STAGED}"
    return StagedFile(row_count, select_typed, issues, ignored)


class MisshapenHeader(ValueError):
    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("; ".join(i.describe() for i in issues))


def _csv_header(path: Path, columns: list[str]) -> list[str]:
    """The CSV's header row as the file has it: DuckDB renames a repeated header ("a" -> "a_1")
    and a blank one ("column3"), and the checks need the original."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        header = next(csv.reader(f), [])
    return header if len(header) == len(columns) else columns


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


def _read_as_text(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[list[str], list[str]]:
    """Load the file as all-text columns plus its data-row number; return the table's column
    names and the headers as delivered (repeated and blank ones kept), position by position."""
    con.execute(f"drop table if exists {STAGED}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        # DuckDB drops a UTF-8 byte-order mark itself; insertion order is preserved, so
        # row_number() over () is the data-row number.
        con.execute(
            f"create temp table {STAGED} as select row_number() over () as _row_number, * from "
            "read_csv(?, header = true, all_varchar = true, delim = ',', quote = '\"', "
            "encoding = 'utf-8', auto_detect = true)",
            [str(path)],
        )
    elif suffix == ".xlsx":
        table, delivered = _xlsx_as_text(path)
        con.register("_xlsx_rows", table)
        con.execute(f"create temp table {STAGED} as select row_number() over () as _row_number, * from _xlsx_rows")
        con.unregister("_xlsx_rows")
    else:
        raise ValueError(f"unsupported file type {suffix!r}: expected .csv or .xlsx")
    columns = [row[0] for row in con.execute(f"describe {STAGED}").fetchall() if row[0] != "_row_number"]
    return columns, (_csv_header(path, columns) if suffix == ".csv" else delivered)


def _xlsx_as_text(path: Path) -> tuple[pa.Table, list[str]]:
    """The first sheet as a text table, streamed in batches (read-only mode never loads the whole sheet)."""
    from openpyxl import load_workbook

    check_archive(path, MAX_EXTRACT_UNPACKED_BYTES)   # not a zip (a text file, an encrypted workbook), or a zip bomb
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:   # openpyxl raises many types for a broken workbook
        raise not_readable(exc) from exc
    try:
        sheet = workbook.worksheets[0]
        merged = [ref for ref in merged_ranges(workbook, sheet) if ref_rows(ref)[0] == 1]
        if merged:   # a merged header leaves all but one of its columns unnamed, and shifts nothing visibly
            raise MisshapenHeader([Issue(f"header cells {ref} are merged: give each column its own header cell in "
                                         "row 1 (unmerge them)", column=ref) for ref in merged])
        rows = guarded_rows(sheet.iter_rows(values_only=True))
        header = next(rows, None)
        if not header:
            raise ValueError("the first sheet is empty")
        delivered = [str(h).strip() if h is not None else "" for h in header]
        names = [f"{h}_{i + 1}" if not h or delivered.index(h) != i else h for i, h in enumerate(delivered)]
        batches, batch = [], []
        for row in rows:
            if row is None or all(v is None for v in row):
                continue
            batch.append([_cell_text(v) for v in row[: len(names)]] + [None] * (len(names) - len(row)))
            if len(batch) >= XLSX_BATCH_ROWS:
                batches.append(_batch(names, batch))
                batch = []
        batches.append(_batch(names, batch))
        return pa.concat_tables(batches), delivered
    finally:
        workbook.close()


MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')


def merged_ranges(workbook, sheet) -> list[str]:
    """The sheet's merged ranges ("A1:B1"), which read-only openpyxl does not give: found in
    the sheet's XML, streamed (its <mergeCells> come after every row)."""
    found, tail = [], b""
    with workbook._archive.open(sheet._worksheet_path) as xml:
        for chunk in iter(lambda: xml.read(1 << 20), b""):
            block = tail + chunk          # a tag cut between chunks is found in the next block
            found += [m.decode() for m in MERGE_CELL.findall(block)]
            tail = block[-200:]
    return list(dict.fromkeys(found))


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


def _parse(col: Column, raw: str, timestamp_formats: tuple[str, ...]) -> str:
    if col.type == "text":
        return f"nfc_normalize({raw})"
    if col.type == "integer":
        return f"try_cast({raw} as bigint)"
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
    return ""


def _rows_where(con, condition: str, column: str, header: str, problem: str) -> list[Issue]:
    rows = con.execute(
        f"select _row_number, {sql_identifier(header)} from {STAGED} where {condition} order by _row_number limit {MAX_ISSUES_PER_CHECK + 1}"
    ).fetchall()
    issues = [Issue(problem, row_number=r, column=column, value=v) for r, v in rows[:MAX_ISSUES_PER_CHECK]]
    if len(rows) > MAX_ISSUES_PER_CHECK:
        total = con.execute(f"select count(*) from {STAGED} where {condition}").fetchone()[0]
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


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
