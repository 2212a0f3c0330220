"""Daily load of the portal's extracts: ingest -> validate loads -> dbt build -> validate marts -> publish.

The run for logical date D processes the extracts of day D (Asia/Ho_Chi_Minh). It is
scheduled at 06:00 the next morning, when the day's files have landed. Every task calls
the same function as the `tthc` command line; the DAG holds no logic of its own. Tasks
that write the warehouse share a one-slot pool, and one run is active at a time, because
DuckDB allows one writer per file.
"""

from __future__ import annotations

import datetime as dt

import pendulum
from airflow.sdk import dag, task
from airflow.timetables.interval import CronDataIntervalTimetable

LOCAL_TZ = "Asia/Ho_Chi_Minh"
WRITER_POOL = "tthc_warehouse_writer"


def extract_date(logical_date) -> dt.date:
    """The extract a run processes: its logical date's local day. (For a scheduled run the
    logical date is its data interval's start, D 06:00; for a manual run or `dag.test`,
    the date given. The data interval of a manual run ends at that date instead.)"""
    return pendulum.instance(logical_date).in_timezone(LOCAL_TZ).date()


@dag(
    dag_id="tthc_daily",
    schedule=CronDataIntervalTimetable("0 6 * * *", timezone=LOCAL_TZ),
    start_date=pendulum.datetime(2021, 12, 15, 6, tz=LOCAL_TZ),
    catchup=False,
    max_active_runs=1,
    default_args={
        "pool": WRITER_POOL,
        "retries": 2,
        "retry_delay": dt.timedelta(minutes=5),
        "retry_exponential_backoff": True,
    },
    tags=["tthc", "warehouse"],
    doc_md=__doc__,
)
def tthc_daily():
    @task
    def ingest(logical_date=None, run_id=None) -> dict:
        from tthc.config import paths
        from tthc.pipeline import ingest as ingest_files

        day = extract_date(logical_date)
        outcomes = ingest_files(paths(), {day}, run_id)
        for o in outcomes:
            print(f"{o.path.name}: {o.status} {o.note}".rstrip())
            for issue in o.issues:
                print(f"  {issue.describe()}")
        return {"extract_date": day.isoformat(), **{s: sum(o.status == s for o in outcomes) for s in ("pending", "skipped", "quarantined")}}

    @task
    def validate_loads(_ingested: dict, run_id=None) -> list[str]:
        from tthc.config import paths
        from tthc.pipeline import validate_loads as validate

        return sorted(validate(paths(), run_id))

    @task
    def build(_validated: list[str]) -> None:
        from tthc.config import paths
        from tthc.pipeline import build as dbt_build

        dbt_build(paths())

    @task
    def validate_marts(run_id=None) -> int:
        from tthc.config import paths
        from tthc.pipeline import validate_marts as validate

        return validate(paths(), run_id)

    @task
    def publish(_findings: int) -> None:
        from tthc.config import paths
        from tthc.pipeline import publish as publish_copy

        publish_copy(paths())

    built = build(validate_loads(ingest()))
    findings = validate_marts()
    built >> findings
    publish(findings)


tthc_daily()
