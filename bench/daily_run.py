"""How long one daily run takes with one month of history and with one year of it.

`make bench` (or `.venv/bin/python -m bench.daily_run`). For each history length it
generates the extracts into a temporary home, loads all days but the last in one pass
(the history), then times the run of the last day alone — ingest, load checks, dbt build
and its tests, publish, dbt docs, Excel report and dashboard — and prints both times and
their ratio. Both are taken in the same
process, one after the other, so the ratio means more than either time on a shared machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path

from tthc.config import Paths
from tthc.generator import generate
from tthc.pipeline import dates_between, run

FIRST_DAY = dt.date(2022, 1, 1)


def time_one_day(root: Path, history_days: int, scale: float, echo) -> tuple[float, int]:
    """Seconds for the run of day ``history_days + 1`` after ``history_days`` days are loaded; and the extract rows."""
    paths = Paths(root).ensure()
    last = FIRST_DAY + dt.timedelta(days=history_days)
    summary = generate(paths.landing, FIRST_DAY, last, scale=scale)
    os.environ["TTHC_HOME"] = str(root)
    os.environ.setdefault("TTHC_DEMO", "1")  # generated applicants: the public demo pseudonym key
    echo(f"  {history_days} days of history: {summary.extract_rows:,} dossier rows; loading them in one pass")
    run(paths, dates_between(FIRST_DAY, last - dt.timedelta(days=1)), echo=lambda *_: None)
    started = time.perf_counter()
    run(paths, {last}, echo=lambda *_: None)
    return time.perf_counter() - started, summary.extract_rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.05, help="volume relative to Bình Phước's (default 0.05)")
    parser.add_argument("--short", type=int, default=30, help="days of history for the short case (default 30)")
    parser.add_argument("--long", type=int, default=365, help="days of history for the long case (default 365)")
    args = parser.parse_args(argv)
    print(f"one daily run after {args.short} and after {args.long} days of history, scale {args.scale}", flush=True)
    with tempfile.TemporaryDirectory(prefix="tthc-bench-") as tmp:
        short, short_rows = time_one_day(Path(tmp) / "short", args.short, args.scale, lambda m: print(m, flush=True))
        long, long_rows = time_one_day(Path(tmp) / "long", args.long, args.scale, lambda m: print(m, flush=True))
    print(f"daily run with {args.short:>3} days of history: {short:7.1f} s")
    print(f"daily run with {args.long:>3} days of history: {long:7.1f} s")
    print(f"ratio long / short: {long / short:.2f} (history ratio {long_rows / short_rows:.1f}; 1.0 = independent of history)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
