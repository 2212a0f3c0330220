"""Readers polling the published files while they are replaced see only whole, valid files."""

from __future__ import annotations

import datetime as dt
import threading
import time

import duckdb
import pytest

from warehouse.files import replace_atomically
from warehouse.publish import publish_for_readers

ROWS = 20_000


def _poll(read, stop: threading.Event, results: list) -> None:
    while not stop.is_set():
        try:
            results.append(read())
        except Exception as exc:  # a missing or truncated file: the failure this test is about
            results.append(exc)


def _polling(read, readers: int = 2):
    stop, results = threading.Event(), []
    threads = [threading.Thread(target=_poll, args=(read, stop, results)) for _ in range(readers)]
    for t in threads:
        t.start()
    return stop, results, threads


def _publish_while_reading(tmp_path, grace: dt.timedelta, seconds: float = 3.0) -> list:
    warehouse, published = tmp_path / "warehouse.duckdb", tmp_path / "published" / "tthc.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        for schema in ("marts", "audit"):
            con.execute(f"create schema {schema}")
            for i in range(3):
                con.execute(f"create table {schema}.t{i} as select range as id, md5(range::varchar) as v from range({ROWS})")
    link = published.parent / "parquet"
    publish_for_readers(warehouse, published, link, grace)
    # a long-lived reader: it resolves the folder once, then lists and opens its files
    stop, results, threads = _polling(lambda: duckdb.connect().execute(
        "select count(*) from read_parquet(?)", [f"{link.resolve()}/*/*.parquet"]).fetchall()[0][0])
    end = time.monotonic() + seconds
    publishes = 0
    while time.monotonic() < end:
        publish_for_readers(warehouse, published, link, grace)
        publishes += 1
    stop.set()
    for t in threads:
        t.join()
    assert publishes >= 3
    return results


def test_parquet_readers_never_see_a_removed_or_partial_folder(tmp_path):
    results = _publish_while_reading(tmp_path, dt.timedelta(minutes=30))
    assert results and all(r == 6 * ROWS for r in results), [r for r in results if r != 6 * ROWS][:3]


@pytest.mark.parametrize("grace, readable", [(dt.timedelta(0), False), (dt.timedelta(minutes=30), True)])
def test_a_reader_two_swaps_behind_reads_only_within_the_grace_period(tmp_path, grace, readable):
    """The check above is real, without a race: a reader that resolved the link two swaps ago
    finds its folder gone when replaced folders are removed at once, and still there within
    the grace period."""
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "published" / "tthc.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts; create table marts.t as select range as id from range(10)")
    link = published.parent / "parquet"
    publish_for_readers(warehouse, published, link, grace)
    resolved = link.resolve()
    for _ in range(2):
        publish_for_readers(warehouse, published, link, grace)
    read = lambda: duckdb.connect().execute("select count(*) from read_parquet(?)", [f"{resolved}/*/*.parquet"]).fetchall()
    if readable:
        assert read() == [(10,)]
    else:
        with pytest.raises(duckdb.Error):
            read()


def test_replaced_folders_are_removed_after_the_grace_period(tmp_path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "published" / "tthc.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts; create table marts.t as select 1 as x")
    link = published.parent / "parquet"
    for _ in range(3):
        publish_for_readers(warehouse, published, link, dt.timedelta(minutes=30))
    assert len(list(link.parent.glob("parquet-*"))) == 3
    publish_for_readers(warehouse, published, link, dt.timedelta(0))
    assert list(link.parent.glob("parquet-*")) == [link.resolve()]


def test_a_reader_never_sees_a_truncated_replaced_file(tmp_path):
    """As document() replaces dbt_docs.html: the whole old page or the whole new one."""
    target = tmp_path / "dbt_docs.html"
    pages = [("<html>" + str(n) * 3_000_000 + "</html>").encode() for n in range(2)]
    target.write_bytes(pages[0])
    stop, results, threads = _polling(lambda: target.read_bytes() in pages)
    for i in range(30):
        replace_atomically(target, lambda tmp: tmp.write_bytes(pages[i % 2]))
    stop.set()
    for t in threads:
        t.join()
    assert results and all(r is True for r in results)
    assert [p.name for p in tmp_path.iterdir()] == ["dbt_docs.html"]  # no temporary file left


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "report.xlsx"
    target.write_text("old")

    def broken(tmp):
        tmp.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        replace_atomically(target, broken)
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]


def test_publishing_into_a_home_with_quotes_and_spaces(tmp_path):
    home = tmp_path / "it's \"home\" dir"
    warehouse, published = home / "warehouse" / "tthc.duckdb", home / "published" / "tthc.duckdb"
    warehouse.parent.mkdir(parents=True)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts; create table marts.t as select 1 as x")
    publish_for_readers(warehouse, published, published.parent / "parquet")
    assert duckdb.connect().execute("select x from read_parquet(?)",
                                    [str(published.parent / "parquet" / "marts" / "t.parquet")]).fetchall() == [(1,)]
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select x from marts.t").fetchall() == [(1,)]
