"""Publish the warehouse for readers.

DuckDB lets one process write a file and then no other process read it. Readers (BI
tools, the dashboard) therefore open a separate copy, built beside the published file
and swapped in with one atomic rename: an open reader keeps the old data, a new one sees
the new. The copy holds only what BI users may read (marts, reference data, audit):
raw and staging, where personal data lives, are never published.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

PUBLISHED_SCHEMAS = ("marts", "reference", "audit")


def publish_for_readers(warehouse: Path, published: Path) -> None:
    published.parent.mkdir(parents=True, exist_ok=True)
    building = published.with_name(published.name + ".building")
    building.unlink(missing_ok=True)
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(f"attach '{building}' as published")
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = current_database() and table_schema in ? order by 1, 2",
            [list(PUBLISHED_SCHEMAS)],
        ).fetchall()
        for schema in sorted({s for s, _ in tables}):
            con.execute(f"create schema published.{schema}")
        for schema, table in tables:
            con.execute(f"create table published.{schema}.{table} as select * from {schema}.{table}")
        con.execute("checkpoint published")
        con.execute("detach published")
    finally:
        con.close()
    os.replace(building, published)
