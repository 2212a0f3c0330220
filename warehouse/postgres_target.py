"""Build the marts on PostgreSQL: the same dbt project, target ``postgres``.

Ingestion and its checks write DuckDB (decision 0001); for a PostgreSQL warehouse the
raw schema is mirrored there first, then ``dbt build --target postgres`` builds staging,
intermediate and marts from it with the same SQL. Each mirror is a full copy of raw in
one transaction, and the build after it a full one (``--full-refresh``): the incremental
models' flags belong to the DuckDB build (decision 0008).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

# DuckDB's types as PostgreSQL spells them (raw holds only these; a new one fails loudly)
PG_TYPES = {"VARCHAR": "text", "BIGINT": "bigint", "INTEGER": "integer", "BOOLEAN": "boolean", "DATE": "date",
            "TIMESTAMP": "timestamp", "DOUBLE": "double precision", "TIMESTAMP WITH TIME ZONE": "timestamptz"}


@dataclass(frozen=True)
class PgSettings:
    """Where the postgres target writes; the same environment variables as dbt's profile."""
    host: str = "127.0.0.1"
    port: int = 5432
    user: str = "postgres"
    password: str = ""
    dbname: str = "tthc"

    @classmethod
    def from_env(cls) -> "PgSettings":
        e = os.environ
        return cls(e.get("TTHC_PG_HOST", cls.host), int(e.get("TTHC_PG_PORT", cls.port)), e.get("TTHC_PG_USER", cls.user),
                   e.get("TTHC_PG_PASSWORD", cls.password), e.get("TTHC_PG_DATABASE", cls.dbname))

    def env(self) -> dict[str, str]:
        """What dbt's profile (target postgres) reads."""
        return {"TTHC_DBT_TARGET": "postgres", "TTHC_PG_HOST": self.host, "TTHC_PG_PORT": str(self.port), "TTHC_PG_USER": self.user,
                "TTHC_PG_PASSWORD": self.password, "TTHC_PG_DATABASE": self.dbname}

    def connect(self):
        import psycopg2

        return psycopg2.connect(host=self.host, port=self.port, user=self.user, password=self.password, dbname=self.dbname)


def pg_type(duckdb_type: str) -> str:
    if duckdb_type.startswith("DECIMAL"):
        return "numeric" + duckdb_type.removeprefix("DECIMAL")
    try:
        return PG_TYPES[duckdb_type]
    except KeyError:
        raise ValueError(f"raw has a column of type {duckdb_type}, which the PostgreSQL mirror does not map yet") from None


def mirror_raw(warehouse: Path, pg: PgSettings, echo=print) -> dict[str, int]:
    """Replace PostgreSQL's raw schema by a copy of the warehouse's; returns rows per table."""
    copied = {}
    with duckdb.connect(str(warehouse), read_only=True) as duck, pg.connect() as conn:
        tables = [t for (t,) in duck.execute("select table_name from information_schema.tables "
                                             "where table_schema = 'raw' order by table_name").fetchall()]
        with conn.cursor() as cur:
            cur.execute("drop schema if exists raw cascade; create schema raw")
            for table in tables:
                columns = duck.execute("select column_name, data_type from information_schema.columns where table_schema = 'raw' "
                                       "and table_name = ? order by ordinal_position", [table]).fetchall()
                cur.execute(f"create table raw.{table} (" + ", ".join(f'"{c}" {pg_type(t)}' for c, t in columns) + ")")
                with tempfile.TemporaryDirectory() as folder:  # DuckDB writes CSV that PostgreSQL's COPY reads
                    path = Path(folder) / f"{table}.csv"
                    duck.execute(f"copy raw.{table} to ? (format csv, header true)", [str(path)])
                    with open(path, "rb") as f:
                        cur.copy_expert(f"copy raw.{table} from stdin with (format csv, header true)", f)
                copied[table] = cur.rowcount
            # the build after a mirror is a full one: let its dossier tests read every row
            cur.execute("update raw.load_manifest set rebuild_pending = status in ('current', 'superseded')")
        conn.commit()
    echo("mirrored raw to PostgreSQL: " + ", ".join(f"{t} {n:,}" for t, n in copied.items()))
    return copied

