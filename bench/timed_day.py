"""One daily run, timed step by step; run as a script by bench/daily_run.py, in a fresh process.

`python bench/timed_day.py HOME DAY` runs `tthc.pipeline.run(HOME, {DAY})` of whatever code
is first on the path (PYTHONPATH: this checkout, or another one `make bench` compares with),
and prints one JSON line: each step's seconds, found by wrapping the pipeline's step
functions (so that it times code that knows nothing of the bench), and each dbt call's
start-up, parse and run, read from dbt's log and run_results.json. ``--untimed`` runs the
day and prints nothing (the run before the timed one).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import time
from pathlib import Path

STEPS = ("ingest", "validate_loads", "ingest_unit_reports", "build", "reconciliation_lines", "marts_findings",
         "publish", "document", "export", "confirm_load_checks")
LOG_TIME = re.compile(r"^(\d\d):(\d\d):(\d\d\.\d+) ")


def _seconds(line: str) -> float | None:
    m = LOG_TIME.match(line)
    return int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3]) if m else None


def dbt_split(log_lines: list[str], started: float, wall: float, run_results: dict | None) -> dict[str, float]:
    """One dbt call's time from its log: start-up (the interpreter and dbt's imports, until
    "Running with dbt"), parse (until "Found N models": the saved manifest read and checked,
    or the project parsed), the rest (the nodes, the catalog, the artifacts written);
    ``execute`` from run_results.json when the call wrote one."""
    begin = next((_seconds(l) for l in log_lines if "Running with dbt=" in l), None)
    found = next((_seconds(l) for l in log_lines if "] [MainThread]: Found " in l), None)
    out = {"wall": wall}
    if begin is not None and found is not None:
        day_start = time.localtime(started)
        clock = day_start.tm_hour * 3600 + day_start.tm_min * 60 + day_start.tm_sec + started % 1
        out["startup"] = (begin - clock) % 86400
        out["parse"] = (found - begin) % 86400
        out["after_parse"] = wall - out["startup"] - out["parse"]
    out["partial_parse"] = (1.0 if any("no changes found, skipping parsing" in l for l in log_lines) else
                            0.5 if any("Partial parsing enabled:" in l for l in log_lines) else 0.0)
    if run_results:
        out["execute"] = run_results.get("elapsed_time", 0.0)
    return out


def main(home: Path, day: dt.date, untimed: bool) -> None:
    import os

    os.environ["TTHC_HOME"] = str(home)
    import tthc.dbt as dbt_module
    import tthc.pipeline as pipeline
    from tthc.config import Paths

    times: dict[str, float] = {}
    dbt_calls: list[dict] = []
    paths = Paths(home)

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                times[name] = times.get(name, 0.0) + time.perf_counter() - started
        return wrapper

    for step in STEPS:
        setattr(pipeline, step, timed(step, getattr(pipeline, step)))
    import warehouse.dashboard
    import warehouse.excel_report
    warehouse.excel_report.write_report = timed("export_excel", warehouse.excel_report.write_report)
    warehouse.dashboard.write_dashboard = timed("export_dashboard", warehouse.dashboard.write_dashboard)
    import expectations.runner as runner
    gx_function = runner._gx

    def gx_timed():
        fresh = "great_expectations" not in sys.modules
        started = time.perf_counter()
        module = gx_function()
        if fresh:
            times["gx_import"] = time.perf_counter() - started
        return module
    runner._gx = gx_timed

    run_dbt = dbt_module.run_dbt
    log = paths.home / "logs" / "dbt" / "dbt.log"

    def dbt_timed(p, args, *rest, **kwargs):
        offset = log.stat().st_size if log.exists() else 0
        started_wall, started = time.time(), time.perf_counter()
        try:
            return run_dbt(p, args, *rest, **kwargs)
        finally:
            wall = time.perf_counter() - started
            with open(log, encoding="utf-8", errors="replace") as f:
                f.seek(offset)
                lines = f.read().splitlines()
            results_file = p.dbt_target / "run_results.json"
            results = (json.loads(results_file.read_text(encoding="utf-8"))
                       if results_file.exists() and results_file.stat().st_mtime >= started_wall else None)
            dbt_calls.append({"args": args[:2], **dbt_split(lines, started_wall, wall, results)})
    pipeline.run_dbt = dbt_timed

    started = time.perf_counter()
    pipeline.run(paths, {day}, echo=lambda *_: None)
    times["total"] = time.perf_counter() - started
    # what readers wait for: the steps up to and with publish (the docs, the exports and GX's
    # confirmation come after: decision 0024)
    times["published"] = sum(times.get(step, 0.0) for step in STEPS[:STEPS.index("publish") + 1])
    for call in dbt_calls:
        step = "build" if call["args"][0] == "build" else "document" if call["args"][0] == "docs" else call["args"][0]
        times |= {f"{step}.{k}": v for k, v in call.items() if k != "args"}
    if not untimed:
        print(json.dumps(times), flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), dt.date.fromisoformat(sys.argv[2]), "--untimed" in sys.argv[3:])
