"""Publish the warehouse for readers.

DuckDB lets one process write a file and then no other process read it. Readers (BI
tools, the dashboard) therefore open a separate copy, built beside the published file
and swapped in with one atomic rename: an open reader keeps the old data, a new one sees
the new. The copy holds only what BI users may read (marts, reference data, audit):
raw and staging, where personal data lives, are never published.

The same tables are exported as Parquet, for tools that read files rather than DuckDB:
``<parquet_link>/<schema>/<table>.parquet``. ``parquet_link`` is a symbolic link
to a folder of one publication, swapped in with one atomic rename too. A reader may have
resolved the link to a folder just before a swap and still be listing or opening its files:
a folder is therefore removed only once it has been out of use for PARQUET_GRACE (deleting
every folder but the newest two at each swap let a reader of a folder two swaps old fail).
Files are written into a folder no link points at yet, so none is ever seen half-written.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import duckdb

from warehouse.database import sql_identifier

PUBLISHED_SCHEMAS = ("marts", "reference", "audit")
PARQUET_GRACE = dt.timedelta(minutes=30)  # longer than any reader keeps a folder it resolved


def publish_for_readers(warehouse: Path, published: Path, parquet_link: Path, grace: dt.timedelta = PARQUET_GRACE) -> None:
    published.parent.mkdir(parents=True, exist_ok=True)
    building = published.with_name(published.name + ".building")
    building.unlink(missing_ok=True)
    parquet = parquet_link.with_name(f"{parquet_link.name}-{dt.datetime.now():%Y%m%dT%H%M%S%f}")
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("attach ? as published", [str(building)])
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = current_database() and table_schema in ? order by 1, 2",
            [list(PUBLISHED_SCHEMAS)],
        ).fetchall()
        for schema in sorted({s for s, _ in tables}):
            con.execute(f"create schema published.{sql_identifier(schema)}")
            (parquet / schema).mkdir(parents=True)
        for schema, table in tables:
            name = f"{sql_identifier(schema)}.{sql_identifier(table)}"
            con.execute(f"create table published.{name} as select * from {name}")
            con.execute(f"copy published.{name} to ? (format parquet)", [f"{parquet / schema / table}.parquet"])
        con.execute("checkpoint published")
        con.execute("detach published")
    finally:
        con.close()
    os.replace(building, published)
    _swap_link(parquet_link, parquet, grace)


def _swap_link(link: Path, target: Path, grace: dt.timedelta) -> None:
    """Point ``link`` at ``target`` atomically; remove the versions out of use for ``grace``.
    A replaced version's mtime is set to the moment it went out of use."""
    if link.is_dir() and not link.is_symlink():  # a home copied without its links: a plain folder
        shutil.rmtree(link)
    previous = link.parent / os.readlink(link) if link.is_symlink() else None
    new = link.with_name(link.name + ".new")
    new.unlink(missing_ok=True)
    new.symlink_to(target.name)
    os.replace(new, link)
    if previous is not None and previous.is_dir():
        os.utime(previous)
    cutoff = (dt.datetime.now() - grace).timestamp()
    for old in link.parent.glob(f"{link.name}-*"):
        if old != target and old.stat().st_mtime < cutoff:
            shutil.rmtree(old)
