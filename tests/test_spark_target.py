"""The same dbt project on Spark (target `spark`): built from Parquet exports of the session's
raw schema by local Spark (dbt-spark's session method), every mart holds the same rows as
DuckDB's, and every dbt test passed there too."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from tests.conftest import services_required
from tests.test_postgres_target import rows


@pytest.fixture(scope="module")
def spark_built(built, tmp_path_factory):
    from tthc.pipeline import build_spark
    from warehouse.spark_target import SparkSettings, SparkUnavailable, check_java

    try:
        check_java()
    except SparkUnavailable as exc:
        if services_required():
            pytest.fail(f"{exc} (TTHC_REQUIRE_SERVICES=1: CI has Java, so this must not skip)")
        pytest.skip(str(exc))
    home = tmp_path_factory.mktemp("spark")
    spark = SparkSettings(home=home, raw=str(home / "raw"))
    lines = []
    build_spark(built, echo=lines.append, spark=spark)
    yield spark, lines
    shutil.rmtree(home, ignore_errors=True)


def spark_table(spark, schema: str, table: str) -> str:
    """A DuckDB expression over a table local Spark built (its Parquet files, in the
    metastore's default layout <warehouse>/<schema>.db/<table>/): read without a second JVM."""
    return f"read_parquet('{spark.home}/warehouse/{schema}.db/{table}/*.parquet')"


def test_every_mart_has_the_same_rows_on_spark(built, spark_built):
    spark, lines = spark_built
    with duckdb.connect(str(built.warehouse), read_only=True) as duck:
        marts = [t for (t,) in duck.execute("select table_name from information_schema.tables "
                                            "where table_schema = 'marts' order by 1").fetchall()]
        for table in marts:
            columns = ", ".join(c for (c,) in duck.execute(
                "select column_name from information_schema.columns where table_schema = 'marts' "
                "and table_name = ? order by ordinal_position", [table]).fetchall())
            on_duckdb = rows(duck.execute(f"select {columns} from marts.{table}").fetchall())
            folder = spark.home / "warehouse" / "marts.db" / table
            assert folder.is_dir(), f"Spark did not build marts.{table}"
            files = list(folder.glob("*.parquet"))  # an empty table may have none
            on_spark = rows(duck.execute(f"select {columns} from {spark_table(spark, 'marts', table)}").fetchall()
                            if files else [])
            assert on_spark == on_duckdb, (table, list((on_spark - on_duckdb).items())[:3],
                                           list((on_duckdb - on_spark).items())[:3])
    assert len(marts) > 20
    assert any(line.startswith("exported raw to Parquet for Spark: ") and ", dossiers " in line for line in lines)
    assert any("Completed successfully" in line for line in lines)  # dbt's tests and unit tests passed there too
    assert any(line.startswith("built the marts on Spark") for line in lines)


def test_a_missing_java_is_said_plainly(monkeypatch):
    from warehouse.spark_target import SparkUnavailable, check_java

    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(SparkUnavailable, match="needs Java"):
        check_java()
