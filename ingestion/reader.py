"""Read one delivered file into DuckDB and check it against its source's contract.

CSV goes through DuckDB's own reader; .xlsx is streamed with openpyxl in read-only mode.
Both arrive as text in a temporary table, so every type is parsed, and every failure
found, by one set of SQL expressions taken from the contract.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import zipfile

import duckdb
import pyarrow as pa
from openpyxl.utils.exceptions import InvalidFileException

from ingestion.contracts import Column, Contract
from ingestion.workbook_files import UnreadableWorkbook, check_archive

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
        headers = _read_as_text(con, path)
    except (duckdb.Error, ValueError, OSError, KeyError, zipfile.BadZipFile, InvalidFileException,
            UnreadableWorkbook) as exc:  # unreadable: the whole file is the issue
        return StagedFile(0, "", _csv_diagnosis(path) or [Issue(f"cannot be read as {path.suffix or 'a known format'}: {_first_line(exc)}")])
    row_count = con.execute(f"select count(*) from {STAGED}").fetchone()[0]

    issues: list[Issue] = []
    mapping: dict[str, str] = {}  # contract column -> header in the file
    ignored = []
    for header in headers:
        name = contract.canonical_name(header)
        if name is None:
            ignored.append(header)
        elif name in mapping:
            issues.append(Issue(f"headers {mapping[name]!r} and {header!r} both mean {name}", column=name))
        else:
            mapping[name] = header
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
        raw = f'nullif(trim("{_quote(mapping[col.name])}"), \'\')'
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


def _read_as_text(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    """Load the file as all-text columns plus its data-row number; return its headers."""
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
        con.register("_xlsx_rows", _xlsx_as_text(path))
        con.execute(f"create temp table {STAGED} as select row_number() over () as _row_number, * from _xlsx_rows")
        con.unregister("_xlsx_rows")
    else:
        raise ValueError(f"unsupported file type {suffix!r}: expected .csv or .xlsx")
    columns = [row[0] for row in con.execute(f"describe {STAGED}").fetchall()]
    return [c for c in columns if c != "_row_number"]


def _xlsx_as_text(path: Path) -> pa.Table:
    """The first sheet as a text table, streamed in batches (read-only mode never loads the whole sheet)."""
    from openpyxl import load_workbook

    check_archive(path, MAX_EXTRACT_UNPACKED_BYTES)   # not a zip (a text file, an encrypted workbook), or a zip bomb
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            raise ValueError("the first sheet is empty")
        names = [str(h).strip() if h is not None else f"column_{i + 1}" for i, h in enumerate(header)]
        batches, batch = [], []
        for row in rows:
            if row is None or all(v is None for v in row):
                continue
            batch.append([_cell_text(v) for v in row[: len(names)]] + [None] * (len(names) - len(row)))
            if len(batch) >= XLSX_BATCH_ROWS:
                batches.append(_batch(names, batch))
                batch = []
        batches.append(_batch(names, batch))
        return pa.concat_tables(batches)
    finally:
        workbook.close()


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
    formats = ", ".join(f"'{f}'" for f in timestamp_formats)
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
        f'select _row_number, "{_quote(header)}" from {STAGED} where {condition} order by _row_number limit {MAX_ISSUES_PER_CHECK + 1}'
    ).fetchall()
    issues = [Issue(problem, row_number=r, column=column, value=v) for r, v in rows[:MAX_ISSUES_PER_CHECK]]
    if len(rows) > MAX_ISSUES_PER_CHECK:
        total = con.execute(f"select count(*) from {STAGED} where {condition}").fetchone()[0]
        issues.append(Issue(f"{total - MAX_ISSUES_PER_CHECK} more rows with the same problem", column=column))
    return issues


def _quote(identifier: str) -> str:
    return identifier.replace('"', '""')


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
