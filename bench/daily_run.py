"""How long one daily run takes with one month of history and with one year of it, step by step.

`make bench` (or `.venv/bin/python -m bench.daily_run`). For each history length it
generates the extracts (at province scale by default: Bình Phước, about 150,000 dossiers a
year) and loads all days but the last two in one pass (the history). Then, from a copy of
that home, it runs the last day but one as a daily run (untimed: the run before, which
leaves the state a daily run finds — dbt's saved parse, the docs, Great Expectations'
suites) and times the last day, each in a fresh process as cron's `tthc run --date D` or an
Airflow task pays it (imports included): ingest, load checks, dbt build (dbt's start-up, its
parse and the nodes' run shown apart), publish, dbt docs, Excel report and dashboard, and
Great Expectations' confirmation of the load checks (its import shown apart)
(bench/timed_day.py); and when the marts were published.

``--baseline DIR`` times another checkout of the project (e.g. `git worktree add /tmp/base
main`) the same way, from the same copies, alternating with this one: the before and the
after of a change in one run, on the same machine at the same moment. ``--repeat N`` times
each N times and keeps the fastest. Both history lengths are taken in the same process, so
the ratios mean more than any single time on a shared machine. ``--keep DIR`` keeps the
homes (and reuses a history already loaded there with the same parameters).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tthc.config import REPO, Paths
from tthc.generator import generate
from tthc.pipeline import dates_between, run

FIRST_DAY = dt.date(2022, 1, 1)
TIMED_DAY = Path(__file__).with_name("timed_day.py")
# the rows of the table, in the run's order: (key, label); keys come from bench/timed_day.py
STEPS = [
    ("ingest", "ingest (read, contract checks, load)"),
    ("validate_loads", "load checks (SQL)"),
    ("ingest_unit_reports", "unit reports"),
    ("build", "dbt build"),
    ("build.startup", "  dbt start-up (imports)"),
    ("build.parse", "  dbt parse (or its saved parse checked)"),
    ("build.partial_parse", "  saved parse reused (1 all, .5 part, 0 no)"),
    ("build.execute", "  models and tests"),
    ("build.after_parse", "  models, tests, artifacts"),
    ("reconciliation_lines", "findings: reconciliation"),
    ("marts_findings", "findings: KPI checks, ended units"),
    ("publish", "publish (copy + Parquet)"),
    ("document", "dbt docs"),
    ("document.startup", "  dbt start-up (imports)"),
    ("document.parse", "  dbt parse (or its saved parse checked)"),
    ("document.after_parse", "  compile, catalog, site"),
    ("export", "export"),
    ("export_excel", "  Excel report"),
    ("export_dashboard", "  dashboard"),
    ("confirm_load_checks", "GX's confirmation of the load checks"),
    ("gx_import", "  of which importing GX"),
    ("published", "marts published after"),
    ("total", "daily run, in all"),
]


def load_history(root: Path, history_days: int, scale: float, echo) -> tuple[Path, dt.date, int, int]:
    """A home with the history loaded in one pass (all days but the last two), kept as
    ``<root>.history``; reused when it is there with the same parameters. Returns it, the
    timed day, the history's dossier rows and the timed day's."""
    history = root.with_name(root.name + ".history")
    last = FIRST_DAY + dt.timedelta(days=history_days)
    stamp = {"history_days": history_days, "scale": scale, "first_day": FIRST_DAY.isoformat()}
    marker = history.with_name(history.name + ".json")
    if history.is_dir() and marker.exists() and json.loads(marker.read_text())["stamp"] == stamp:
        info = json.loads(marker.read_text())
        echo(f"  {history_days} days of history: reusing {history}")
        return history, last, info["extract_rows"], info["day_rows"]
    shutil.rmtree(history, ignore_errors=True)
    paths = Paths(history).ensure()
    summary = generate(paths.landing, FIRST_DAY, last, scale=scale)
    day_file = paths.landing / "dossiers" / f"dossiers_{last.isoformat()}.csv"
    day_rows = sum(1 for _ in day_file.open(encoding="utf-8")) - 1
    echo(f"  {history_days} days of history: {summary.extract_rows:,} dossier rows; loading them in one pass")
    os.environ["TTHC_HOME"] = str(history)
    os.environ.setdefault("TTHC_DEMO", "1")  # generated applicants: the public demo pseudonym key
    started = time.perf_counter()
    run(paths, dates_between(FIRST_DAY, last - dt.timedelta(days=2)), echo=lambda *_: None)
    echo(f"  history loaded in {time.perf_counter() - started:.0f} s; the timed day: {day_rows:,} dossier rows")
    marker.write_text(json.dumps({"stamp": stamp, "extract_rows": summary.extract_rows, "day_rows": day_rows}))
    return history, last, summary.extract_rows, day_rows


def timed_runs(history: Path, last: dt.date, codes: dict[str, Path], repeat: int, echo) -> dict[str, dict[str, float]]:
    """For each code (label -> checkout), the fastest of ``repeat`` timed runs of ``last``,
    each from a fresh copy of ``history`` after an untimed run of the day before."""
    best: dict[str, dict[str, float]] = {}
    work = history.with_name(history.name.removesuffix(".history") + ".run")
    for attempt in range(repeat):
        for label, code in codes.items():
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(history, work, symlinks=True)
            env = os.environ | {"TTHC_HOME": str(work), "PYTHONPATH": str(code), "TTHC_DEMO": "1"}
            for day, untimed in ((last - dt.timedelta(days=1), True), (last, False)):
                out = subprocess.run([sys.executable, str(TIMED_DAY), str(work), day.isoformat(),
                                      *(["--untimed"] if untimed else [])],
                                     check=True, capture_output=True, text=True, cwd=code, env=env)
            times = json.loads(out.stdout.strip().splitlines()[-1])
            echo(f"  {label} run {attempt + 1}: {times['total']:.1f} s")
            if label not in best or times["total"] < best[label]["total"]:
                best[label] = times
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="volume relative to Bình Phước's (default 1.0)")
    parser.add_argument("--short", type=int, default=30, help="days of history for the short case (default 30)")
    parser.add_argument("--long", type=int, default=365, help="days of history for the long case (default 365)")
    parser.add_argument("--repeat", type=int, default=1, help="time each run this many times, keep the fastest")
    parser.add_argument("--baseline", type=Path, help="another checkout of the project to time the same way")
    parser.add_argument("--keep", type=Path, help="keep the homes in this folder (and reuse a history loaded there)")
    args = parser.parse_args(argv)
    codes = {"this": REPO} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    print(f"one daily run after {args.short} and after {args.long} days of history, scale {args.scale}", flush=True)
    echo = lambda m: print(m, flush=True)  # noqa: E731
    with tempfile.TemporaryDirectory(prefix="tthc-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        results, rows = {}, {}
        for case, days in (("short", args.short), ("long", args.long)):
            history, last, extract_rows, day_rows = load_history(folder / case, days, args.scale, echo)
            results[case] = timed_runs(history, last, codes, args.repeat, echo)
            rows[case] = (extract_rows, day_rows)
    columns = [(case, label) for label in codes for case in ("short", "long")]
    days = {"short": args.short, "long": args.long}
    head = "".join(f"{label + ' ' + str(days[case]) + 'd':>16}" for case, label in columns)
    print(f"\n{'step':<46}{head}")
    for key, text in STEPS:
        values = [results[case][label].get(key) for case, label in columns]
        if any(v is not None for v in values):
            print(f"{text:<46}" + "".join(f"{v:16.2f}" if v is not None else f"{'':16}" for v in values))
    print(f"\nthe timed day's dossier rows: {rows['short'][1]:,} and {rows['long'][1]:,}")
    for label in codes:
        short, long = results["short"][label]["total"], results["long"][label]["total"]
        print(f"{label}: daily run with {args.short:>3} days of history {short:7.1f} s, with {args.long:>3} days "
              f"{long:7.1f} s; ratio long / short {long / short:.2f} "
              f"(history ratio {rows['long'][0] / rows['short'][0]:.1f}; 1.0 = independent of history)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
