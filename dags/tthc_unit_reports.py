"""Unit reports load when they land: wait for a new workbook in landing/unit_reports/ ->
load and check it -> dbt build -> publish.

Every 30 minutes a sensor looks for a workbook the warehouse has not seen (by content).
None within the half hour: the run ends as skipped, not failed. Otherwise the reports are
loaded (rejected ones quarantined with their reasons), their arithmetic checked, the marts
rebuilt so the reconciliation shows them, and the copy for readers published. Writers
share the daily DAG's one-slot pool: DuckDB allows one writer per file. A national
deployment gets one per province home, ``tthc_unit_reports_<code>``, sharing that
province's daily pool (decision 0023).
"""

from __future__ import annotations

import datetime as dt

import pendulum
from airflow.sdk import Asset, PokeReturnValue, dag, task

from tthc.alerts import task_failed
from tthc.config import root
from tthc.dates import LOCAL_TZ
from warehouse.provinces import province_folders, published_asset_uri, writer_pool

LOOK_EVERY = dt.timedelta(minutes=2)
LOOK_FOR = dt.timedelta(minutes=25)


def unit_reports_asset(province: str | None) -> Asset:
    return Asset("tthc://warehouse/unit_reports" if province is None else f"tthc://provinces/{province}/unit_reports")


def unit_reports_dag(province: str | None = None):
    """The unit reports DAG of the home (``province`` None) or of one province home."""
    @dag(
        dag_id="tthc_unit_reports" if province is None else f"tthc_unit_reports_{province}",
        schedule="*/30 * * * *",
        start_date=pendulum.datetime(2021, 12, 15, tz=LOCAL_TZ),
        catchup=False,
        max_active_runs=1,
        default_args={"pool": writer_pool(province), "retries": 2, "retry_delay": dt.timedelta(minutes=2),
                      "on_failure_callback": task_failed},
        tags=["tthc", "warehouse", "unit reports"] + ([f"province {province}"] if province else []),
        doc_md=__doc__,
    )
    def tthc_unit_reports():
        @task.sensor(poke_interval=LOOK_EVERY, timeout=LOOK_FOR, mode="reschedule", soft_fail=True,
                     pool="default_pool", retries=0)
        def wait_for_unit_report() -> PokeReturnValue:
            """A workbook in landing/unit_reports/ that the warehouse has not loaded."""
            from ingestion.file_names import readable
            from ingestion.unit_report_loader import new_reports
            from tthc.config import paths
            from warehouse.database import connect

            p = paths(province)
            p.ensure()
            with connect(p.warehouse) as con:
                found = [readable(r.name) for r in new_reports(con, p.landing)]
            return PokeReturnValue(is_done=bool(found), xcom_value=found)

        @task(outlets=[unit_reports_asset(province)])
        def load_reports(_found: list[str], run_id=None) -> dict:
            from tthc.config import paths
            from tthc.pipeline import ingest_unit_reports

            outcomes = ingest_unit_reports(paths(province), run_id)
            return {o.name: {"status": o.status, "findings": o.findings, "unresolved": len(o.unresolved)} for o in outcomes}

        @task
        def build(_loaded: dict) -> None:
            from tthc.config import paths
            from tthc.pipeline import build as dbt_build

            dbt_build(paths(province))

        @task(outlets=[Asset(published_asset_uri(province))] if province else [])  # tthc_national
        def publish(_built: None) -> None:
            from tthc.config import paths
            from tthc.pipeline import publish as publish_copy, reconciliation_lines

            for line in reconciliation_lines(paths(province)):
                print(line)
            publish_copy(paths(province))

        @task(pool="default_pool")
        def export(_published: None) -> None:
            """The dashboard shows the new reconciliation; the Excel report is rewritten with it."""
            from tthc.config import paths
            from tthc.pipeline import export as write_exports

            write_exports(paths(province))

        export(publish(build(load_reports(wait_for_unit_report()))))


    return tthc_unit_reports()


tthc_unit_reports = unit_reports_dag()
for code, _ in province_folders(root()):
    globals()[f"tthc_unit_reports_{code}"] = unit_reports_dag(code)
