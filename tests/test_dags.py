"""The DAGs import cleanly, and the daily DAG runs end to end with Airflow's `dag.test()`."""

from __future__ import annotations

import duckdb
import pendulum
import pytest

from tests.conftest import START
from tthc.config import REPO


@pytest.fixture(scope="module")
def airflow_db():
    from airflow.models.pool import Pool
    from airflow.utils import db

    db.resetdb()
    Pool.create_or_update_pool("tthc_warehouse_writer", slots=1, description="one writer for the DuckDB file", include_deferred=False)


@pytest.fixture(scope="module")
def dagbag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"))


def test_every_dag_file_imports(dagbag):
    assert dagbag.import_errors == {}
    assert "tthc_daily" in dagbag.dag_ids


def test_daily_dag_shape(dagbag):
    dag = dagbag.get_dag("tthc_daily")
    assert [t.task_id for t in dag.topological_sort()] == ["ingest", "validate_loads", "build", "validate_marts", "publish"]
    assert {t.pool for t in dag.tasks} == {"tthc_warehouse_writer"}
    assert dag.max_active_runs == 1
    assert str(dag.timezone.name) == "Asia/Ho_Chi_Minh"


def test_dag_run_for_a_date_builds_the_marts(dagbag, home):
    """One real run through Airflow for the first campaign day; its figures match the extract
    (December's dossiers: those received that day and the open backlog the first extract carries)."""
    dag = dagbag.get_dag("tthc_daily")
    day = START
    run = dag.test(logical_date=pendulum.datetime(day.year, day.month, day.day, 6, tz="Asia/Ho_Chi_Minh"))
    assert run.state == "success", [(ti.task_id, ti.state) for ti in run.get_task_instances()]

    extract = home.landing / "dossiers" / f"dossiers_{day}.csv"
    online, total = duckdb.sql(f"""
        select count(*) filter (where channel = 2), count(*) from read_csv('{extract}')
        where cast(received_at as date) between date '2021-12-01' and date '2021-12-31'""").fetchall()[0]
    with duckdb.connect(str(home.published), read_only=True) as con:
        loaded = con.execute("select count(*) from marts.dim_report_period").fetchone()[0]
        got = con.execute("""select online_dossiers, total_dossiers from marts.fct_online_dossier_rate
                             where period_id = 'month_2021_12' and unit_code = '70'""").fetchone()
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        manifest = con.execute("select source, extract_date, status from raw.load_manifest order by 1").fetchall()
    assert manifest == [("dossiers", day, "current"), ("services", day, "current")]
    assert loaded > 0
    assert got == (online, total) and total > 0
