"""Publish the warehouse for readers.

DuckDB lets one process write a file and then no other process read it. Readers (BI
tools, the dashboard) therefore open a separate copy, built beside the published file
and swapped in with one atomic rename: an open reader keeps the old data, a new one sees
the new. The copy holds only what BI users may read (marts, reference data, audit):
raw and staging, where personal data lives, are never published.

The same tables are exported as Parquet, for tools that read files rather than DuckDB:
``<parquet_link>/<schema>/<table>.parquet``. ``parquet_link`` is a symbolic link
to a folder of one publication, swapped in with one atomic rename too; the previous folder
is kept for readers still in it, older ones are removed.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import duckdb

PUBLISHED_SCHEMAS = ("marts", "reference", "audit")
PARQUET_VERSIONS_KEPT = 2  # the current one and the one before it


def publish_for_readers(warehouse: Path, published: Path, parquet_link: Path) -> None:
    published.parent.mkdir(parents=True, exist_ok=True)
    building = published.with_name(published.name + ".building")
    building.unlink(missing_ok=True)
    parquet = parquet_link.with_name(f"{parquet_link.name}-{dt.datetime.now():%Y%m%dT%H%M%S%f}")
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
            (parquet / schema).mkdir(parents=True)
        for schema, table in tables:
            con.execute(f"create table published.{schema}.{table} as select * from {schema}.{table}")
            con.execute(f"copy published.{schema}.{table} to '{parquet / schema / table}.parquet' (format parquet)")
        con.execute("checkpoint published")
        con.execute("detach published")
    finally:
        con.close()
    os.replace(building, published)
    _swap_link(parquet_link, parquet)


def _swap_link(link: Path, target: Path) -> None:
    """Point ``link`` at ``target`` atomically; keep the newest versions, remove the rest."""
    if link.is_dir() and not link.is_symlink():  # a home copied without its links: a plain folder
        shutil.rmtree(link)
    new = link.with_name(link.name + ".new")
    new.unlink(missing_ok=True)
    new.symlink_to(target.name)
    os.replace(new, link)
    versions = sorted(link.parent.glob(f"{link.name}-*"))
    for old in versions[:-PARQUET_VERSIONS_KEPT]:
        shutil.rmtree(old)
