"""Alerts for the people who run the loads: one readable line per problem, in the log and
in $TTHC_HOME/alerts.jsonl (which a mail or chat relay can follow). Airflow calls them
from task-failure callbacks and from the DAG's report deadline."""

from __future__ import annotations

import datetime as dt
import json
import logging

from tthc.config import paths
from tthc.dates import extract_date_of_run

log = logging.getLogger("tthc.alerts")


def alert(kind: str, message: str, **details) -> str:
    record = {"at": dt.datetime.now().isoformat(timespec="seconds"), "kind": kind, "message": message, **details}
    target = paths().home / "alerts.jsonl"
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "a", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    log.error("ALERT %s: %s", kind, message)
    return message


def task_failed(context) -> None:
    """on_failure_callback: which run, which task, which try, and the error (which names the file or check)."""
    ti = context["task_instance"]
    error = context.get("exception")
    alert(
        "task_failed",
        f"{ti.dag_id} for {extract_date_of_run(context['logical_date'])}: task {ti.task_id} failed"
        f" (try {ti.try_number}): {type(error).__name__ if error else 'error'}: {error}",
        dag_id=ti.dag_id, task_id=ti.task_id, run_id=ti.run_id,
    )


def extract_missing(context, province: str | None = None) -> None:
    """on_failure_callback of the sensor: the day's extract did not arrive; say which file, where
    (``province``: the province home of a national deployment's DAG)."""
    ti = context["task_instance"]
    from ingestion.loader import expected_files

    day = extract_date_of_run(context["logical_date"])
    wanted = expected_files(paths(province).landing, "dossiers", day)
    alert(
        "extract_missing",
        f"{ti.dag_id} for {day}: {' or '.join(p.name for p in wanted)} did not arrive in {wanted[0].parent}"
        f" before the wait ended ({context.get('exception')}); nothing was loaded for that day",
        dag_id=ti.dag_id, task_id=ti.task_id, run_id=ti.run_id,
    )


def report_deadline_missed(context: dict | None = None, **_) -> None:
    """Deadline callback: the day's figures were not published by 17:00 the next day.
    Airflow passes the run as JSON (context["dag_run"]), not as an object."""
    import pendulum

    run = (context or {}).get("dag_run") or {}
    day = extract_date_of_run(pendulum.parse(run["logical_date"])) if run.get("logical_date") else "a day"
    alert("deadline_missed", f"tthc_daily for {day}: not published by 17:00 the next day, the report's deadline",
          run_id=run.get("dag_run_id"))
