"""Alerts for the people who run the loads: one readable line per problem, in the log and
in $TTHC_HOME/alerts.jsonl (which a mail or chat relay can follow). Airflow calls them
from task-failure callbacks."""

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


def extract_missing(context) -> None:
    """on_failure_callback of the sensor: the day's extract did not arrive; say which file, where."""
    ti = context["task_instance"]
    day = extract_date_of_run(context["logical_date"])
    folder = paths().landing / "dossiers"
    alert(
        "extract_missing",
        f"{ti.dag_id} for {day}: dossiers_{day}.csv (or .xlsx) did not arrive in {folder}"
        f" before the wait ended ({context.get('exception')}); nothing was loaded for that day",
        dag_id=ti.dag_id, task_id=ti.task_id, run_id=ti.run_id,
    )
