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
    # GX's confirmation of the load checks comes after publish, beside the docs: the marts
    # and the exports do not wait for it (decision 0024)
    assert {t.task_id: sorted(t.upstream_task_ids) for t in dag.tasks} == {
        "wait_for_extract": [], "ingest": ["wait_for_extract"], "validate_loads": ["ingest"],
        "build": ["validate_loads"], "publish": ["build"], "document": ["publish"], "export": ["document"],
        "confirm_load_checks": ["publish"]}
    writers = {t.task_id for t in dag.tasks if t.pool == "tthc_warehouse_writer"}
    # the sensor waits outside the writers' slot; export reads only the published copy
    assert writers == {"ingest", "validate_loads", "build", "publish", "document", "confirm_load_checks"}
    assert dag.max_active_runs == 1
    ingest = dag.get_task("ingest")
    assert ingest.retries == 2 and ingest.retry_exponential_backoff and ingest.on_failure_callback
    assert dag.get_task("wait_for_extract").timeout == 6 * 3600  # seconds
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
        awaiting_gx = con.execute("select count(*) from raw.loads_awaiting_gx").fetchone()[0]
    assert manifest == [(source, day, "current") for source in ("dossiers", "payments", "report_submissions", "services")]
    # GX confirmed the four loads and wrote their Data Docs pages
    assert awaiting_gx == 0
    docs = home.gx_project / "gx" / "uncommitted" / "data_docs" / "local_site" / "validations"
    assert {p.name for p in docs.iterdir()} >= {"dossiers_load", "payments_load", "report_submissions_load", "services_load"}
    assert loaded > 0
    assert got == (online, total) and total > 0
    # what people read was written from this run: the month's workbook, the dashboard, the dbt docs
    assert (home.reports / "bao_cao_month_2021_12.xlsx").stat().st_size > 0
    assert '"run_id": "' + run.run_id + '"' in home.dashboard.read_text(encoding="utf-8")
    assert "excel_report" in home.dbt_docs.read_text(encoding="utf-8")


def test_a_missing_extract_times_out_with_an_alert_naming_the_file(dagbag, home, monkeypatch):
    """No extract for the day: the sensor gives up after its timeout, the run fails, and the
    alert says which run, which task and which file it waited for."""
    import json

    dag = dagbag.get_dag("tthc_daily")
    sensor = dag.get_task("wait_for_extract")
    monkeypatch.setattr(sensor, "timeout", 2.0)
    monkeypatch.setattr(sensor, "poke_interval", 0.5)
    monkeypatch.setattr(sensor, "mode", "poke")
    run = dag.test(logical_date=pendulum.datetime(2030, 1, 1, 6, tz="Asia/Ho_Chi_Minh"))
    assert run.state == "failed"
    alerts = [json.loads(line) for line in (home.home / "alerts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [a["task_id"] for a in alerts] == ["wait_for_extract"]
    assert alerts[0]["kind"] == "extract_missing"
    assert f"tthc_daily for 2030-01-01: dossiers_2030-01-01.csv or dossiers_2030-01-01.xlsx did not arrive in {home.landing / 'dossiers'}" in alerts[0]["message"]


def test_a_failed_task_alert_names_the_task_and_the_check(dagbag, home, monkeypatch):
    """A warehouse loaded before unit codes were a load check holds a dossier of a unit the
    register does not know: dbt's relationship test fails in the build task, and the alert
    names the run's day, the task and the failing test."""
    import json

    from tthc.pipeline import ingest, validate_loads
    from warehouse.database import connect

    day = START
    ingest(home, {day}, "earlier")
    validate_loads(home, "earlier", echo=lambda *_: None)
    with connect(home.warehouse) as con:
        con.execute("update raw.dossiers set unit_code = '99999' where dossier_code = "
                    "(select min(dossier_code) from raw.dossiers)")
    dag = dagbag.get_dag("tthc_daily")
    for task in dag.tasks:
        monkeypatch.setattr(task, "retries", 0)
    run = dag.test(logical_date=pendulum.datetime(day.year, day.month, day.day, 6, tz="Asia/Ho_Chi_Minh"))
    assert run.state == "failed"
    alerts = [json.loads(line) for line in (home.home / "alerts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(a["kind"], a["task_id"]) for a in alerts] == [("task_failed", "build")]
    assert f"tthc_daily for {day}: task build failed" in alerts[0]["message"]
    assert "relationships_stg_portal__dossiers_unit_code" in alerts[0]["message"]


def test_unit_report_dag_loads_a_workbook_when_it_lands(dagbag, copy_of_built):
    """A corrected appendix 4 lands: the unit-report DAG's sensor sees it, loads and checks
    it, rebuilds and publishes. The corrected row drops out of the findings; the section and
    total rows, left as printed, now disagree with their rows."""
    import copy

    from tests.workbooks import build_workbook, reference_rows

    dag = dagbag.get_dag("tthc_unit_reports")
    assert [t.task_id for t in dag.topological_sort()] == ["wait_for_unit_report", "load_reports", "build", "publish", "export"]
    assert {t.task_id for t in dag.tasks if t.pool == "tthc_warehouse_writer"} == {"load_reports", "build", "publish"}
    rows = copy.deepcopy(reference_rows("000_p4_processing"))
    gtvt = next(r for r in rows if r["unit_name_raw"] == "Sở GTVT")       # 616 received, 583 + 31: off by 2
    gtvt["resolved_total"], gtvt["resolved_on_time"] = "585", "561"
    build_workbook(copy_of_built.landing / "unit_reports" / "phu_luc_4_dinh_chinh.xlsx", ["000_p4_processing"],
                   {"000_p4_processing": rows})

    run = dag.test(logical_date=pendulum.datetime(2022, 6, 2, 8, tz="Asia/Ho_Chi_Minh"))
    assert run.state == "success", [(ti.task_id, ti.state) for ti in run.get_task_instances()]
    with duckdb.connect(str(copy_of_built.published), read_only=True) as con:
        per_file = dict(con.execute("""select file_name, count(*) from audit.unit_report_findings
                                       where sheet = 'p4_processing' group by file_name""").fetchall())
        sums = con.execute("""select unit_name, check_name, expected, found from audit.unit_report_findings
                              where file_name = 'phu_luc_4_dinh_chinh.xlsx' and column_name not like 'C %'
                              order by all""").fetchall()
        gtvt_flagged = con.execute("""select count(*) from audit.unit_report_findings
                                      where file_name = 'phu_luc_4_dinh_chinh.xlsx' and unit_name = 'Sở GTVT'""").fetchall()[0][0]
        reconciled = con.execute("select count(distinct report_id) from marts.fct_unit_report_reconciliation "
                                 "where sheet = 'p4_processing'").fetchall()[0][0]
    assert per_file == {"phu_luc_ke_hoach_170.xlsx": 19, "phu_luc_4_dinh_chinh.xlsx": 18 + 4}
    assert gtvt_flagged == 0
    assert sums == [("Cấp tỉnh", "resolved_on_time", "146056", "146054"), ("Cấp tỉnh", "resolved_total", "153079", "153077"),
                    ("TỔNG CỘNG", "resolved_on_time", "233143", "233141"), ("TỔNG CỘNG", "resolved_total", "242313", "242311")]
    assert reconciled == 2


def test_a_national_deployment_runs_each_province_and_then_the_roll_up(airflow_db, landing, tmp_path, monkeypatch):
    """Province homes under TTHC_HOME/provinces get their own daily and unit-report DAGs, with
    a writer pool each; a province's publish triggers tthc_national, which rolls them up."""
    import shutil

    from airflow.dag_processing.dagbag import DagBag
    from airflow.models.pool import Pool

    from tests.province_extracts import as_province
    from tthc.config import paths
    from warehouse.national import national_warehouse

    monkeypatch.setenv("TTHC_HOME", str(tmp_path))
    monkeypatch.delenv("TTHC_PROVINCE", raising=False)
    for code in ("75", "79"):
        (tmp_path / "provinces" / code).mkdir(parents=True)
    shutil.copytree(landing, paths("79").landing)
    as_province(paths("79").landing, "79", START.isoformat())       # its own units (register 79)
    bag = DagBag(dag_folder=str(REPO / "dags"))
    assert bag.import_errors == {}
    assert {"tthc_daily_75", "tthc_daily_79", "tthc_unit_reports_75", "tthc_unit_reports_79",
            "tthc_national", "tthc_daily"} <= set(bag.dag_ids)
    daily = bag.get_dag("tthc_daily_79")
    assert {t.pool for t in daily.tasks} == {"tthc_warehouse_writer_79", "default_pool"}
    assert {t.pool for t in bag.get_dag("tthc_unit_reports_79").tasks} == {"tthc_warehouse_writer_79", "default_pool"}
    assert {a.uri for a in daily.get_task("publish").outlets} == {"tthc://provinces/79/published"}
    assert {a.uri for a in bag.get_dag("tthc_national").timetable.asset_condition.objects} == {
        "tthc://provinces/75/published", "tthc://provinces/79/published"}

    Pool.create_or_update_pool("tthc_warehouse_writer_79", slots=1, description="one writer for province 79",
                               include_deferred=False)
    run = daily.test(logical_date=pendulum.datetime(START.year, START.month, START.day, 6, tz="Asia/Ho_Chi_Minh"))
    assert run.state == "success", [(ti.task_id, ti.state) for ti in run.get_task_instances()]
    with duckdb.connect(str(paths("79").warehouse), read_only=True) as con:
        assert con.execute("select distinct province_code from raw.load_manifest").fetchall() == [("79",)]
    assert not (tmp_path / "warehouse").exists()          # the root is not a home: nothing written there

    run = bag.get_dag("tthc_national").test()
    assert run.state == "success", [(ti.task_id, ti.state) for ti in run.get_task_instances()]
    with duckdb.connect(str(national_warehouse(tmp_path)), read_only=True) as con:
        assert con.execute("select distinct reporting_provinces from national.kpi").fetchall() == [("79",)]  # 75 not built yet
        assert con.execute("select distinct reporting_province from marts.fct_kpi_scorecard").fetchall() == [("79",)]
