"""A run killed part-way and run again leaves raw and audit as one clean run does; and a
whole run works in a TTHC_HOME whose name has quotes and a space."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.workbooks import APPENDICES, build_workbook
from tthc.config import REPO
from tthc.generator import generate

VOLATILE = {"run_id", "validated_at", "found_at", "since", "received_at", "decided_at", "file_path"}


@pytest.fixture(scope="module")
def small_landing(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("landing")
    generate(folder, dt.date(2021, 12, 15), dt.date(2021, 12, 17), seed=7, scale=0.04)
    build_workbook(folder / "unit_reports" / "phu_luc_ke_hoach_170.xlsx", APPENDICES)
    return folder


def _run(home: Path, kill_at: str | None = None) -> None:
    """`tthc run` as a child process; with ``kill_at``, SIGKILL it when it prints that."""
    shutil.copytree(home.parent / "landing", home / "landing", dirs_exist_ok=True)
    command = [sys.executable, "-m", "tthc.cli", "run", "--from", "2021-12-15", "--to", "2021-12-17"]
    with subprocess.Popen(command, cwd=REPO, env=os.environ | {"TTHC_HOME": str(home), "PYTHONUNBUFFERED": "1"},
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True) as proc:
        for line in proc.stdout:
            if kill_at and kill_at in line:
                os.killpg(proc.pid, signal.SIGKILL)  # dbt, its child, too
                break
    assert proc.returncode == (-signal.SIGKILL if kill_at else 0), f"exit {proc.returncode}"


def _tables(home: Path) -> dict[str, list]:
    """Every raw and audit table's rows, without run ids, timestamps and paths."""
    with duckdb.connect(str(home / "warehouse" / "tthc.duckdb"), read_only=True) as con:
        out = {}
        for schema, table in con.execute("select table_schema, table_name from information_schema.tables "
                                          "where table_schema in ('raw', 'audit') order by 1, 2").fetchall():
            columns = [c for (c,) in con.execute("select column_name from information_schema.columns where "
                                                 "table_schema = ? and table_name = ? order by ordinal_position",
                                                 [schema, table]).fetchall() if c not in VOLATILE]
            rows = con.execute(f"select {', '.join(columns)} from {schema}.{table}").fetchall()  # names from the catalog
            out[f"{schema}.{table}"] = sorted(rows, key=repr)
    return out


@pytest.fixture(scope="module")
def clean(small_landing, tmp_path_factory) -> dict[str, list]:
    home = tmp_path_factory.mktemp("clean") / "it's \"home\" dir"  # quotes and a space reach no SQL text
    shutil.copytree(small_landing, home.parent / "landing")
    _run(home)
    return _tables(home)


# the mart checks done, not yet published; the unit report's checks written
@pytest.mark.parametrize("kill_at", ["Completed successfully", "p5_payments_fees:"])
def test_killed_and_run_again_equals_a_clean_run(clean, small_landing, tmp_path, kill_at):
    home = tmp_path / "home"
    shutil.copytree(small_landing, tmp_path / "landing")
    _run(home, kill_at)
    _run(home)
    again = _tables(home)
    assert again.keys() == clean.keys()
    assert {t: len(r) for t, r in again.items()} == {t: len(r) for t, r in clean.items()}
    for table in clean:
        assert again[table] == clean[table], table
