"""Daily load of the portal's extracts: wait for the day's extract -> ingest -> validate loads
(the load checks, in SQL) -> dbt build (its tests hold the marts' identities) -> publish ->
dbt docs -> Excel report and dashboard; after publish, beside the docs, Great Expectations
confirms the load checks and writes the Data Docs (decision 0024).

A national deployment (decision 0023) gets the same DAG once per province home under
TTHC_HOME/provinces, ``tthc_daily_<code>``, with a writer pool of its own,
``tthc_warehouse_writer_<code>``: provinces write different files, so they run side by side.

The run for logical date D processes the extracts of day D (Asia/Ho_Chi_Minh). It is
scheduled at 06:00 the next morning, when the day's files have landed. Every task calls
the same function as the `tthc` command line; the DAG holds no logic of its own. Tasks
that write the warehouse share a one-slot pool, and one run is active at a time, because
DuckDB allows one writer per file. A failed task, an extract that does not arrive in time,
and a run not done by the 17:00 report raise alerts (tthc/alerts.py).
"""

from __future__ import annotations

import datetime as dt
import os
from functools import partial

import pendulum
from airflow.sdk import Asset, DeadlineReference, PokeReturnValue, dag, task
from airflow.sdk.definitions.deadline import DeadlineAlert, SyncCallback
from airflow.timetables.interval import CronDataIntervalTimetable

from tthc.alerts import extract_missing, task_failed
from tthc.config import root
from tthc.dates import LOCAL_TZ, extract_date_of_run as extract_date
from warehouse.provinces import province_folders, published_asset_uri, writer_pool

# The run for day D starts at 06:00 on D+1; the day's dossier extract may still be on its
# way. Wait for it until noon (6 h), checking every 10 minutes, then alert.
WAIT_FOR_EXTRACT = dt.timedelta(hours=6)
POKE_EVERY = dt.timedelta(minutes=10)
# The figures feed the report due at 17:00 on D+1: 35 hours after D's logical date (D 06:00).
# TTHC_REPORT_DEADLINE=off leaves it out, for in-process `dag.test()` only: Airflow 3.3.2's
# dag.test does not store a DAG's deadline alerts, then fails looking them up.
REPORT_DEADLINE = None if os.environ.get("TTHC_REPORT_DEADLINE") == "off" else DeadlineAlert(
    reference=DeadlineReference.DAGRUN_LOGICAL_DATE,
    interval=dt.timedelta(hours=35),
    callback=SyncCallback("tthc.alerts.report_deadline_missed"),
)


def daily_dag(province: str | None = None):
    """The daily DAG of the home (``province`` None) or of one province home."""
    @dag(
        dag_id="tthc_daily" if province is None else f"tthc_daily_{province}",
        schedule=CronDataIntervalTimetable("0 6 * * *", timezone=LOCAL_TZ),
        start_date=pendulum.datetime(2021, 12, 15, 6, tz=LOCAL_TZ),
        catchup=False,
        max_active_runs=1,
        default_args={
            "pool": writer_pool(province),
            "retries": 2,
            "retry_delay": dt.timedelta(minutes=5),
            "retry_exponential_backoff": True,
            "on_failure_callback": task_failed,
        },
        deadline=REPORT_DEADLINE,

        tags=["tthc", "warehouse"] + ([f"province {province}"] if province else []),
        doc_md=__doc__,
    )
    def tthc_daily():
        @task.sensor(poke_interval=POKE_EVERY, timeout=WAIT_FOR_EXTRACT, mode="reschedule", pool="default_pool",
                     retries=0, on_failure_callback=partial(extract_missing, province=province))
        def wait_for_extract(logical_date=None) -> PokeReturnValue:
            """The day's dossier extract is in the landing folder (CSV or .xlsx)."""
            from ingestion.loader import expected_files
            from tthc.config import paths

            wanted = expected_files(paths(province).landing, "dossiers", extract_date(logical_date))
            found = [p.name for p in wanted if p.exists()]
            if not found:
                print("waiting for " + " or ".join(str(p) for p in wanted))
            return PokeReturnValue(is_done=bool(found), xcom_value=found)

        @task
        def ingest(logical_date=None, run_id=None) -> dict:
            from tthc.config import paths
            from tthc.pipeline import ingest as ingest_files

            day = extract_date(logical_date)
            outcomes = ingest_files(paths(province), {day}, run_id)
            for o in outcomes:
                print(f"{o.name}: {o.status} {o.note}".rstrip())
                for issue in o.issues:
                    print(f"  {issue.describe()}")
            return {"extract_date": day.isoformat(), **{s: sum(o.status == s for o in outcomes) for s in ("pending", "skipped", "quarantined")}}

        @task
        def validate_loads(_ingested: dict, run_id=None) -> list[str]:
            from tthc.config import paths
            from tthc.pipeline import validate_loads as validate

            return sorted(validate(paths(province), run_id))

        @task
        def build(_validated: list[str]) -> None:
            from tthc.config import paths
            from tthc.pipeline import build as dbt_build

            dbt_build(paths(province))

        @task(outlets=[Asset(published_asset_uri(province))] if province else [])
        def publish(_built: None) -> None:
            from tthc.config import paths
            from tthc.pipeline import publish as publish_copy

            publish_copy(paths(province))

        @task
        def document(_published: None) -> None:
            """dbt docs of the build: dbt reads the warehouse, so this task holds the writer slot."""
            from tthc.config import paths
            from tthc.pipeline import document as write_docs

            write_docs(paths(province))

        @task
        def confirm_load_checks(_published: None) -> int:
            """Great Expectations validates again the loads the SQL checks decided and writes the
            Data Docs; it fails (and alerts) where the two disagree. After publish: the marts
            do not wait for it. It reads raw, so it holds the writer slot."""
            from tthc.config import paths
            from tthc.pipeline import confirm_load_checks as confirm

            return confirm(paths(province))

        @task(pool="default_pool")
        def export(_documented: None, logical_date=None) -> None:
            """The Excel report and the dashboard of the run's own day and month, from the
            published copy: no writer slot needed."""
            from tthc.config import paths
            from tthc.pipeline import export as write_exports

            write_exports(paths(province), day=extract_date(logical_date))

        ingested = ingest()
        wait_for_extract() >> ingested
        published = publish(build(validate_loads(ingested)))
        export(document(published))
        confirm_load_checks(published)

    return tthc_daily()


tthc_daily = daily_dag()
for code, _ in province_folders(root()):
    globals()[f"tthc_daily_{code}"] = daily_dag(code)
