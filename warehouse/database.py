"""The writer's connection and the schemas Python owns (raw, audit). dbt owns the rest."""

from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from ingestion.contracts import load_contract, sources

BOOKKEEPING_DDL = """
create schema if not exists raw;
create schema if not exists audit;
create table if not exists raw.load_manifest (
    load_id       varchar primary key,  -- source, extract date and checksum: the same file gets the same id
    source        varchar not null,
    extract_date  date not null,
    file_name     varchar not null,
    file_path     varchar not null,
    file_sha256   varchar not null,
    file_bytes    bigint not null,
    row_count     bigint,
    status        varchar not null,     -- pending | current | superseded | quarantined | held (a correction losing data)
    reason        varchar,              -- why quarantined or superseded, readable
    received_at   timestamp not null,   -- when this run read the file
    decided_at    timestamp,            -- when validation made it current or quarantined it
    run_id        varchar,
    rebuild_pending boolean not null default false, -- became current or superseded since the last dbt build
    accepted_by   varchar,              -- who applied a held correction (`tthc accept`), and when
    accepted_at   timestamp,
    province_code varchar               -- the province whose portal delivered it (warehouse/provinces_2025.csv)
);
-- loads decided by the load checks (SQL) that Great Expectations has yet to validate again,
-- agree with and show in the Data Docs (tthc.pipeline.confirm_load_checks: decision 0024)
create table if not exists raw.loads_awaiting_gx (
    load_id     varchar primary key,
    source      varchar not null,
    run_id      varchar,
    decided_at  timestamp not null
);
create table if not exists raw.quarantine_issues (
    load_id     varchar not null,
    source      varchar not null,
    file_name   varchar not null,
    row_number  bigint,                 -- data row, 1 = first row under the header; null for file-level problems
    column_name varchar,
    value       varchar,
    problem     varchar not null
);
create table if not exists audit.validation_results (
    run_id        varchar not null,
    suite         varchar not null,
    expectation   varchar not null,
    severity      varchar not null,     -- error (blocks) | finding (reported)
    success       boolean not null,
    element_count bigint,
    unexpected_count bigint,
    details       varchar,
    validated_at  timestamp not null
);
-- The applicant pseudonym of each citizen ID number, written by tthc/pii.py before dbt
-- runs (HMAC under a key dbt never sees); raw stays unpublished like the number itself.
create table if not exists raw.applicant_keys (
    applicant_id_number varchar primary key,
    applicant_key       varchar not null
);
-- Unit reports (Excel workbooks units send): one row per file, table, row, cell.
create table if not exists raw.unit_report_files (
    report_id    varchar primary key,   -- SHA-256 of the file and its sidecar: the same workbook gets the same id
    file_name    varchar not null,
    file_path    varchar not null,
    status       varchar not null,      -- loaded | rejected | waiting (for its period) | superseded (a newer file or sidecar of that name came)
    reason       varchar,
    received_at  timestamp not null,
    run_id       varchar
);
create table if not exists raw.unit_report_tables (
    report_id    varchar not null,
    sheet        varchar not null,
    layout       varchar not null,      -- the template it matched (ingestion/report_templates)
    period_start date,                  -- null when the report only says "đến ngày …"
    period_end   date not null,
    row_count    bigint not null,
    unresolved   bigint not null        -- unit names that did not resolve to one unit
);
create table if not exists raw.unit_report_rows (
    report_id    varchar not null,
    sheet        varchar not null,
    row_number   bigint not null,       -- the Excel row
    row_kind     varchar not null,      -- section | detail | total
    section      varchar,
    section_seq  integer,
    stt          varchar,
    unit_name    varchar not null,      -- as printed
    unit_code    varchar,               -- resolved; null when ambiguous, unknown or not_in_force
    scope        varchar,               -- self | children (e.g. appendix 4 section C: a district's communes)
    resolution   varchar,               -- resolved | ambiguous | unknown | not_in_force (ended, or not yet begun, on the report's day)
    resolved_by  varchar,               -- exact | alias | typo | elimination | all_communes
    candidates   varchar                -- unresolved: the units it might be; not_in_force: which unit, its last day, its successor
);
create table if not exists raw.unit_report_values (
    report_id    varchar not null,
    sheet        varchar not null,
    row_number   bigint not null,
    column_name  varchar not null,
    excel_column varchar not null,
    printed      varchar,               -- the cell as it reads
    value_number decimal(38, 4),        -- counts, amounts and percentages
    value_text   varchar                -- statuses
);
create table if not exists raw.unit_report_figures (
    report_id    varchar not null,      -- the figures a layout reconciles with the portal
    sheet        varchar not null,      -- (its `reconcile:`), one per detail row and measure
    row_number   bigint not null,
    measure      varchar not null,      -- received | online | resolved | overdue
    value        bigint not null
);
create table if not exists raw.unit_report_issues (
    report_id    varchar not null,
    file_name    varchar not null,
    sheet        varchar,
    row_number   bigint,
    column_name  varchar,
    value        varchar,
    problem      varchar not null
);
-- the review queue: workbooks that wait for what only the office can say (their period)
create table if not exists audit.unit_reports_waiting (
    report_id    varchar primary key,
    file_name    varchar not null,
    missing      varchar not null,      -- what is missing and how to give it
    since        timestamp not null
);
create table if not exists audit.unit_report_findings (
    report_id    varchar not null,
    file_name    varchar not null,
    sheet        varchar not null,
    row_number   bigint not null,
    column_name  varchar not null,
    check_name   varchar not null,
    unit_name    varchar not null,
    expected     varchar not null,
    found        varchar not null,
    gap          bigint,                -- found - expected, for counts
    found_at     timestamp not null
);
"""

def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """Insert ``rows`` (dicts keyed by column name) into ``table`` in one statement: DuckDB's
    executemany runs one insert per row, ~0.4 ms each, as much as a day's checks for 25 rows."""
    if rows:
        con.execute(f"insert into {table} by name select unnest(?, recursive := true)", [rows])


def sql_literal(value: object) -> str:
    """A string literal for the statements DuckDB takes no parameters in (ATTACH, COPY ... TO):
    a path with a quote in it stays one literal."""
    return "'" + str(value).replace("'", "''") + "'"


def sql_identifier(name: str) -> str:
    """A quoted identifier, for names that come from outside the code (a delivered file's headers)."""
    return '"' + name.replace('"', '""') + '"'


META_COLUMNS = {
    "_load_id": "VARCHAR",
    "_file_sha256": "VARCHAR",
    "_extract_date": "DATE",
    "_row_number": "BIGINT",
}


def source_table_ddl(source: str) -> list[str]:
    """Create the raw table of a source, and add any column the contract gained since."""
    contract = load_contract(source)
    columns = {c.name: c.sql_type for c in contract.columns} | META_COLUMNS
    body = ", ".join(f"{name} {sql_type}" for name, sql_type in columns.items())
    statements = [f"create table if not exists raw.{source} ({body})"]
    statements += [f"alter table raw.{source} add column if not exists {n} {t}" for n, t in columns.items()]
    return statements


def schema_statements() -> list[str]:
    """Every statement that brings a warehouse of any earlier version to today's raw and audit
    schemas (each is a no-op where it is already done)."""
    return [
        BOOKKEEPING_DDL,
        # A warehouse from before incremental builds: every load counts as changed once.
        "alter table raw.load_manifest add column if not exists rebuild_pending boolean default true",
        "alter table raw.load_manifest add column if not exists accepted_by varchar",
        "alter table raw.load_manifest add column if not exists accepted_at timestamp",
        "alter table raw.load_manifest add column if not exists province_code varchar",
        *(statement for source in sources() for statement in source_table_ddl(source)),
    ]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Run the schema statements, unless this warehouse ran the same ones already: their
    fingerprint is kept in raw.schema_fingerprint (some sixty statements cost each connection
    ~10 ms, as much as a small file's load)."""
    statements = schema_statements()
    fingerprint = hashlib.sha256("\n".join(statements).encode()).hexdigest()
    # without Python's replacement scans, a missing table is an error, not a variable of that name
    con.execute("set python_enable_replacements = false")
    try:
        stored = con.execute("select fingerprint from raw.schema_fingerprint").fetchone()
    except duckdb.CatalogException:   # a new warehouse, or one from before the fingerprint
        stored = None
    finally:
        con.execute("reset python_enable_replacements")
    if stored == (fingerprint,):
        return
    for statement in statements:
        con.execute(statement)
    con.execute("create or replace table raw.schema_fingerprint as select ? as fingerprint", [fingerprint])


def memory_limit() -> str:
    """DuckDB's memory for the loader and the dbt build (profiles.yml reads the same variable):
    DuckDB's own default is 80% of the machine, which a national backfill takes; bounded, it
    spills to a folder beside the warehouse instead."""
    return os.environ.get("TTHC_DUCKDB_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT)


DEFAULT_MEMORY_LIMIT = "4GB"


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse; the schema Python owns is created on first write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        con.execute(f"set memory_limit = {sql_literal(memory_limit())}")
        if not read_only:
            ensure_schema(con)
        yield con
    finally:
        con.close()
