"""Shared fixtures. Airflow reads its configuration at import, so it is set here first."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

_AIRFLOW_HOME = tempfile.mkdtemp(prefix="tthc-airflow-")
os.environ.update({
    "AIRFLOW_HOME": _AIRFLOW_HOME,
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__CORE__DAGS_FOLDER": str(Path(__file__).resolve().parents[1] / "dags"),
    "AIRFLOW__CORE__UNIT_TEST_MODE": "True",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    "GX_ANALYTICS_ENABLED": "False",
    # dag.test() in Airflow 3.3.2 cannot run a DAG with a deadline; the native tests keep it.
    "TTHC_REPORT_DEADLINE": "off",
    # the tests' runs are demos: the public demo pseudonym key (tthc/pii.py)
    "TTHC_DEMO": "1",
})
# the tests' homes are single-province homes unless a test chooses a province itself
os.environ.pop("TTHC_PROVINCE", None)

import pytest  # noqa: E402

from tthc.config import Paths  # noqa: E402
from tthc.generator import generate  # noqa: E402

# The real documents' tables live in shared/ beside the repository (CI lays it out so).
SHARED = Path(os.environ.get("TTHC_SHARED", Path(__file__).resolve().parents[2] / "shared"))
REFERENCE = SHARED / "reference"
if not (REFERENCE / "000_p4_processing.csv").exists():
    raise RuntimeError(f"the reference tables are not at {REFERENCE}: put shared/ beside the repository or set TTHC_SHARED")
# A short stretch of the 2022 campaign at a small scale: every unit, every status, fast.
START, END = dt.date(2021, 12, 15), dt.date(2022, 1, 14)
SCALE = 0.04


@pytest.fixture(autouse=True)
def no_province_left_chosen():
    """`tthc --province CODE` chooses the province for its whole process (TTHC_PROVINCE): a
    test that runs it in-process must not leave the choice to the tests after it."""
    yield
    assert "TTHC_PROVINCE" not in os.environ, "this test left TTHC_PROVINCE set"


@pytest.fixture(scope="session")
def landing(tmp_path_factory) -> Path:
    """Demo extracts for START..END, generated once per test session (read-only for tests)."""
    folder = tmp_path_factory.mktemp("landing")
    generate(folder, START, END, seed=7, scale=SCALE)
    return folder


@pytest.fixture
def home(tmp_path, monkeypatch, landing) -> Paths:
    """A fresh TTHC_HOME whose landing folder is a private copy of the generated extracts."""
    import shutil

    shutil.copytree(landing, tmp_path / "landing")
    monkeypatch.setenv("TTHC_HOME", str(tmp_path))
    monkeypatch.delenv("TTHC_LANDING", raising=False)
    return Paths(tmp_path).ensure()


@pytest.fixture(scope="session")
def built(tmp_path_factory, landing) -> Paths:
    """One full pipeline run over START..END, with seed 000's appendices as a unit report,
    shared by the end-to-end tests that only read."""
    import shutil

    from tthc.pipeline import dates_between, run

    from tests.workbooks import APPENDICES, build_workbook

    root = tmp_path_factory.mktemp("built")
    shutil.copytree(landing, root / "landing")
    build_workbook(root / "landing" / "unit_reports" / "phu_luc_ke_hoach_170.xlsx", APPENDICES)
    paths = Paths(root).ensure()
    os.environ["TTHC_HOME"] = str(root)
    try:
        run(paths, dates_between(START, END), run_id="session-build", echo=lambda *_: None)
    finally:
        del os.environ["TTHC_HOME"]
    return paths


@pytest.fixture
def copy_of_built(built, tmp_path, monkeypatch) -> Paths:
    """A private copy of the session's built home, for tests that run the pipeline again."""
    import shutil

    shutil.copytree(built.home, tmp_path / "home")
    monkeypatch.setenv("TTHC_HOME", str(tmp_path / "home"))
    return Paths(tmp_path / "home")


def rows_of(path: Path) -> list[dict]:
    """A CSV file's rows as dicts (a BOM, as Excel writes one, is dropped)."""
    import csv

    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_rows(path: Path, rows: list[dict], bom: bool = False, rename: dict | None = None) -> Path:
    """Write rows (dicts with the same keys) as a CSV file; ``rename`` changes header names."""
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    header = [(rename or {}).get(k, k) for k in rows[0]]
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows([list(r.values()) for r in rows])
    return path


def one(sql: str) -> tuple:
    """The single row of a query on the landing files (duckdb relations have no fetchone)."""
    import duckdb

    return duckdb.sql(sql).fetchall()[0]


def published_rows(paths: Paths, sql: str, params: list | dict | None = None) -> list[tuple]:
    """A query's rows on a home's published copy, as a reader sees it."""
    import duckdb

    with duckdb.connect(str(paths.published), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


PG = dict(host="127.0.0.1", port=5432, user="postgres")


def postgres_admin_or_skip():
    """A connection to the local PostgreSQL's postgres database; skip (fail in CI) without one."""
    import psycopg2

    try:
        return psycopg2.connect(dbname="postgres", connect_timeout=3, **PG)
    except psycopg2.OperationalError as exc:
        reason = f"PostgreSQL is not reachable on {PG['host']}:{PG['port']}: {exc}".strip()
        if services_required():
            pytest.fail(reason + " (TTHC_REQUIRE_SERVICES=1: CI has PostgreSQL, so this must not skip)")
        pytest.skip(reason)


def services_required() -> bool:
    """In CI (.ci/run sets TTHC_REQUIRE_SERVICES) a test needing PostgreSQL or Redis must not skip."""
    return os.environ.get("TTHC_REQUIRE_SERVICES") == "1"
