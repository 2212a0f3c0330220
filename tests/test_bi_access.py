"""BI access: a SQLAlchemy client (duckdb-engine, as Superset connects) reads the published
warehouse while a run writes it, and the Parquet exports hold the published tables."""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb
import sqlalchemy

from tests.conftest import END, rows_of, write_rows

PROVINCE_ONLINE = sqlalchemy.text("""
    select period_id, numerator, denominator from marts.fct_kpi_scorecard
    where kpi = 'online_dossier_rate' and scope = 'province' and period_id like 'month_%' order by period_id""")


def add_an_online_dossier(paths, day) -> None:
    """The portal re-delivers ``day`` with one more dossier, received online that day."""
    path = paths.landing / "dossiers" / f"dossiers_{day}.csv"
    rows = rows_of(path)
    extra = dict(rows[0], dossier_code=f"{rows[0]['unit_code']}-BI-99999", channel="2", status="2",
                 received_at=f"{day} 08:00:00", finished_at="", returned_at="", closed_at="")
    write_rows(path, [*rows, extra])


def test_a_bi_client_reads_the_published_marts_while_a_run_writes(copy_of_built):
    paths = copy_of_built
    # NullPool: each connect opens the file anew, so it sees the latest publication (a pooled
    # connection keeps reading the copy it opened, as an open reader does).
    engine = sqlalchemy.create_engine(f"duckdb:///{paths.published}", connect_args={"read_only": True},
                                      poolclass=sqlalchemy.pool.NullPool)
    with engine.connect() as client:
        before = client.execute(PROVINCE_ONLINE).all()
    add_an_online_dossier(paths, END)

    run = subprocess.Popen([sys.executable, "-m", "tthc.cli", "run", "--date", END.isoformat()],
                           env=os.environ | {"PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    reads_while_dbt_built, log = 0, []
    for line in run.stdout:  # dbt's lines stream while it holds the warehouse open for writing
        log.append(line)
        if "START sql" in line:
            with engine.connect() as client:
                assert client.execute(PROVINCE_ONLINE).all() == before, "a reader saw a half-built state"
            reads_while_dbt_built += 1
    assert run.wait() == 0, "".join(log[-30:])
    assert reads_while_dbt_built >= 10

    with engine.connect() as client:
        after = client.execute(PROVINCE_ONLINE).all()
    month = f"month_{END:%Y_%m}"
    assert [r for r in after if r[0] != month] == [r for r in before if r[0] != month]
    (b,), (a,) = [r for r in before if r[0] == month], [r for r in after if r[0] == month]
    assert (a[1], a[2]) == (b[1] + 1, b[2] + 1), "the new publication has the corrected day"
    engine.dispose()


def test_every_published_table_is_exported_as_parquet_with_the_same_rows(built):
    with duckdb.connect(str(built.published), read_only=True) as con:
        tables = con.execute("select table_schema, table_name from information_schema.tables order by all").fetchall()
        assert ("marts", "fct_kpi_scorecard") in tables and not any(s in ("raw", "staging") for s, _ in tables)
        for schema, table in tables:
            parquet = built.parquet / schema / f"{table}.parquet"
            assert parquet.exists(), parquet
            differing = con.execute(f"""select count(*) from (
                (select * from {schema}.{table} except all select * from read_parquet('{parquet}'))
                union all
                (select * from read_parquet('{parquet}') except all select * from {schema}.{table}))""").fetchall()[0][0]
            assert differing == 0, f"{parquet} differs from {schema}.{table}"
    assert built.parquet.is_symlink() and len(list(built.parquet.parent.glob("parquet-*"))) <= 2
