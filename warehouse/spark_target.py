"""Build the marts on Spark: the same dbt project, target ``spark`` (decision 0020).

Ingestion writes DuckDB (decision 0001). For Spark, raw is exported as Parquet, one folder
per table, and dbt's on-run-start hook (macro ``register_raw_tables``) declares each source
table over its folder; then ``dbt build --target spark --full-refresh`` builds staging,
intermediate and marts there with the same SQL. Locally Spark runs inside dbt's process
(the session method), its metastore and tables under ``<home>/spark``; on a cluster only the
profile and the raw location change (docs/spark.md).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb


class SparkUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class SparkSettings:
    """Where the spark target works; the environment variables dbt's profile reads."""
    home: Path                  # metastore_db/ and warehouse/ (the built tables)
    raw: str                    # the Parquet exports of raw, <raw>/<table>/ ('': raw is in Spark's catalog)
    master: str = "local[2]"
    threads: int = 2

    @classmethod
    def under(cls, tthc_home: Path) -> "SparkSettings":
        e = os.environ
        home = Path(e.get("TTHC_SPARK_HOME", tthc_home / "spark"))
        return cls(home, e.get("TTHC_SPARK_RAW", str(home / "raw")), e.get("TTHC_SPARK_MASTER", cls.master),
                   int(e.get("TTHC_SPARK_THREADS", cls.threads)))

    def env(self) -> dict[str, str]:
        """What dbt's profile (target spark) reads."""
        return {"TTHC_DBT_TARGET": "spark", "TTHC_SPARK_HOME": str(self.home), "TTHC_SPARK_RAW": self.raw,
                "TTHC_SPARK_MASTER": self.master, "TTHC_SPARK_THREADS": str(self.threads)}


def check_java() -> str:
    """The Java that Spark's driver will start in dbt's process (its first version line);
    SparkUnavailable without one."""
    java = Path(os.environ["JAVA_HOME"]) / "bin" / "java" if os.environ.get("JAVA_HOME") else shutil.which("java")
    if not java or not Path(java).exists():
        raise SparkUnavailable("the spark target runs Spark's driver in dbt's process, which needs Java 17 (or 11, 8): none found "
                               "on PATH or in JAVA_HOME; install one, e.g. apt-get install openjdk-17-jre-headless")
    out = subprocess.run([str(java), "-version"], capture_output=True, text=True)
    return (out.stderr or out.stdout).splitlines()[0]


def export_raw(warehouse: Path, folder: Path, echo=print) -> dict[str, int]:
    """Write every raw table as Parquet, <folder>/<table>/data.parquet (the folder replaced
    whole); returns rows per table."""
    exported = {}
    tmp = folder.with_name(folder.name + ".new")
    shutil.rmtree(tmp, ignore_errors=True)
    with duckdb.connect(str(warehouse), read_only=True) as duck:
        tables = [t for (t,) in duck.execute("select table_name from information_schema.tables "
                                             "where table_schema = 'raw' order by table_name").fetchall()]
        for table in tables:
            (tmp / table).mkdir(parents=True)
            path = str(tmp / table / "data.parquet")
            if table == "load_manifest":  # the build after an export is a full one: let its dossier tests read every row
                duck.execute("copy (select * replace (status in ('current', 'superseded') as rebuild_pending) "
                             "from raw.load_manifest) to ? (format parquet)", [path])
            else:
                duck.execute(f"copy raw.{table} to ? (format parquet)", [path])
            exported[table] = duck.execute(f"select count(*) from raw.{table}").fetchone()[0]
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    echo("exported raw to Parquet for Spark: " + ", ".join(f"{t} {n:,}" for t, n in exported.items()))
    return exported
