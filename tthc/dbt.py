"""Running dbt as a child process.

A subprocess, not dbtRunner in-process: dbt-duckdb keeps its connection to the warehouse
open for the life of the process, which would lock the file against every later step of
an Airflow task or a `dag.test()` run (see docs/decisions/0002-dbt-in-a-subprocess.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tthc.config import DBT_PROJECT, Paths
from warehouse.database import memory_limit


class DbtFailed(RuntimeError):
    pass


def run_dbt(paths: Paths, args: list[str], vars: dict | None = None, echo=print, target_env: dict | None = None) -> None:
    """Run ``dbt <args>`` on the warehouse; stream its log lines; raise DbtFailed on failure.

    ``target_env`` points dbt at another target (``TTHC_DBT_TARGET`` and its connection);
    that target keeps its own artifacts, so the DuckDB build's manifest stays its own."""
    command = [str(Path(sys.executable).with_name("dbt")), "--no-use-colors", *args, "--project-dir", str(DBT_PROJECT),
               "--profiles-dir", str(DBT_PROJECT)]
    if vars:
        command += ["--vars", json.dumps(vars)]
    # dbt has no use for the pseudonym key: without it, no model or log can print it
    env = {k: v for k, v in os.environ.items() if k not in ("TTHC_PII_KEY", "TTHC_PII_KEY_FILE")} | {
        "TTHC_WAREHOUSE": str(paths.warehouse),
        "TTHC_DUCKDB_MEMORY_LIMIT": memory_limit(),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DBT_LOG_PATH": str(paths.home / "logs" / "dbt"),
        "DBT_TARGET_PATH": str(paths.dbt_target),
        # the home's unit register is the second seed path (dbt_project.yml)
        "TTHC_REGISTER": paths.register.name,
    }
    if target_env:
        env |= {"DBT_TARGET_PATH": f"{paths.dbt_target}_{target_env['TTHC_DBT_TARGET']}", **target_env}
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=DBT_PROJECT) as proc:
        tail = []
        for line in proc.stdout:
            line = line.rstrip()
            tail = (tail + [line])[-40:]
            echo(f"  dbt | {line}")
    if proc.returncode != 0:
        raise DbtFailed(f"dbt {' '.join(args)} failed (exit {proc.returncode}); last lines:\n" + "\n".join(tail))


def print_summary(line: str) -> None:
    """An ``echo`` that shows dbt's summary and errors only (its whole log is in the log folder)."""
    if "dbt |" not in line or any(k in line for k in ("ERROR", "FAIL", "Done.", "Finished running")):
        print(line, flush=True)


def project_fingerprint() -> str:
    """SHA-256 of what a dbt result that reads no data depends on: the versions of dbt, its
    adapter and DuckDB, and every file of the dbt project (models, their YAML and unit
    tests, macros, seeds, tests, dbt_project.yml, profiles.yml; not target/ or logs/)."""
    import hashlib
    from importlib.metadata import version

    digest = hashlib.sha256()
    for package in ("dbt-core", "dbt-duckdb", "duckdb"):
        digest.update(f"{package}=={version(package)}\n".encode())
    skipped = {"target", "logs", "dbt_packages"}
    for path in sorted(DBT_PROJECT.rglob("*")):
        relative = path.relative_to(DBT_PROJECT)
        if path.is_file() and not skipped & set(relative.parts) and not any(p.startswith(".") for p in relative.parts):
            digest.update(f"{relative.as_posix()}\0".encode() + path.read_bytes() + b"\0")
    return digest.hexdigest()
