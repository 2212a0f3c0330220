"""Ingesting a day's dossiers through the project's loader, checks included, against DuckDB's
own `read_csv` of the same file into a table.

`.venv/bin/python -m bench.ingest_throughput`. It generates the extracts of a few days at
province scale (Bình Phước), takes one day's dossier file and a file of ten days' rows
(their dossier codes made unique, so that it passes its checks like a day does: the
per-row cost shows there, the fixed cost in the day), and times, each in a fresh warehouse:

- duckdb: `create table … as select * from read_csv(file)` (DuckDB detects the types);
- loader: `ingestion.loader.load_file` — read as text, the contract's parse and checks,
  insert into raw.dossiers as a pending load;
- loader + checks: the same, then `pipeline.validate_loads` (the load checks, run as SQL
  over the load's rows, and its decision) on the same connection, as `tthc run` does;
- GX confirmation, printed apart: `pipeline.confirm_load_checks` (Great Expectations
  validates the same rows again and writes the Data Docs page), which a run does after
  the marts are published, off the path this ratio measures (decision 0024). GX is
  imported and its suites stored before the clock starts, as a daily run finds them (the
  import is a fixed cost of the process: printed apart).

Rows per second for each and the ratio project / DuckDB; the target is at least 0.5 with
the checks included. Each is timed ``--repeat`` times (default 3), the fastest kept.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

FIRST_DAY = dt.date(2022, 3, 1)
DAYS = 12   # the last ten (after two to fill the pipeline) make the large file


def make_files(folder: Path, scale: float) -> tuple[Path, Path]:
    """One (working) day's dossier file, and ten days' rows in one file (codes suffixed per day)."""
    from tthc.generator import generate

    landing = folder / "generated"
    generate(landing, FIRST_DAY, FIRST_DAY + dt.timedelta(days=DAYS - 1), scale=scale)
    days = sorted((landing / "dossiers").glob("dossiers_*.csv"))[-10:]
    large = folder / "large" / "dossiers" / f"dossiers_{FIRST_DAY + dt.timedelta(days=DAYS):%Y-%m-%d}.csv"
    large.parent.mkdir(parents=True)
    with open(large, "w", encoding="utf-8", newline="") as out:
        writer = None
        for i, day in enumerate(days):
            with open(day, encoding="utf-8", newline="") as f:
                reader = csv.DictReader(f)
                if writer is None:
                    writer = csv.DictWriter(out, reader.fieldnames)
                    writer.writeheader()
                for row in reader:
                    row["dossier_code"] = f"{row['dossier_code']}-{i}"
                    writer.writerow(row)
    busiest = max(days, key=lambda d: d.stat().st_size)   # a working day, not a Sunday
    day = folder / "day" / "dossiers" / busiest.name
    day.parent.mkdir(parents=True)
    shutil.copyfile(busiest, day)
    return day, large


def time_duckdb(path: Path, work: Path) -> float:
    db = work / "duckdb.duckdb"
    db.unlink(missing_ok=True)
    started = time.perf_counter()
    with duckdb.connect(str(db)) as con:
        con.execute("create table dossiers as select * from read_csv(?)", [str(path)])
        con.execute("checkpoint")
    return time.perf_counter() - started


def time_project(path: Path, work: Path, checks: bool) -> tuple[float, float]:
    """The loader on a fresh warehouse (schemas made before the clock starts), then, with
    ``checks``, the load checks; the file must end current (or pending without checks).
    With ``checks``, also the time of GX's confirmation that follows (else 0)."""
    from ingestion.loader import load_file
    from tthc.config import Paths
    from tthc.pipeline import confirm_load_checks, validate_loads
    from warehouse.database import connect

    paths = Paths(work / "home")
    # a new warehouse, but Great Expectations' project kept, as a daily run finds it (its
    # suites stored by the previous run: the first validation of a process writes them)
    shutil.rmtree(paths.warehouse.parent, ignore_errors=True)
    shutil.rmtree(paths.quarantine, ignore_errors=True)
    paths.ensure()
    with connect(paths.warehouse):
        pass
    started = time.perf_counter()
    with connect(paths.warehouse) as con:   # one connection for both, as `tthc run` does
        outcome = load_file(con, path, "dossiers", "bench", paths.quarantine)
        if checks:
            validate_loads(paths, "bench", echo=lambda *_: None, con=con)
    elapsed = time.perf_counter() - started
    confirming = 0.0
    if checks:
        started = time.perf_counter()
        if confirm_load_checks(paths, echo=lambda *_: None) != 1:
            raise RuntimeError(f"{path.name}: GX did not confirm its load")
        confirming = time.perf_counter() - started
    with connect(paths.warehouse, read_only=True) as con:
        status = con.execute("select status from raw.load_manifest where load_id = ?", [outcome.load_id]).fetchone()[0]
    wanted = "current" if checks else "pending"
    if status != wanted:
        raise RuntimeError(f"{path.name} ended {status}, not {wanted}: {outcome.issues[:3]}")
    return elapsed, confirming


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="volume relative to Bình Phước's (default 1.0)")
    parser.add_argument("--repeat", type=int, default=3, help="time each this many times, keep the fastest (default 3)")
    args = parser.parse_args(argv)
    os.environ.setdefault("TTHC_DEMO", "1")
    from expectations.runner import _gx

    started = time.perf_counter()
    _gx()   # the import is the process's fixed cost, shown apart
    print(f"importing Great Expectations: {time.perf_counter() - started:.1f} s (once per process)")
    with tempfile.TemporaryDirectory(prefix="tthc-ingest-") as tmp:
        folder = Path(tmp)
        files = make_files(folder, args.scale)
        print(f"{'file':<22} {'rows':>8} {'duckdb rows/s':>14} {'loader rows/s':>14} {'+ checks rows/s':>16} "
              f"{'ratio loader':>13} {'ratio + checks':>15}")
        for label, path in zip(("a day", "ten days' rows"), files):
            rows = sum(1 for _ in path.open(encoding="utf-8")) - 1
            duck = min(time_duckdb(path, folder) for _ in range(args.repeat))
            loader = min(time_project(path, folder, checks=False)[0] for _ in range(args.repeat))
            checked, confirmed = min(time_project(path, folder, checks=True) for _ in range(args.repeat))
            print(f"{label:<22} {rows:>8,} {rows / duck:>14,.0f} {rows / loader:>14,.0f} {rows / checked:>16,.0f} "
                  f"{duck / loader:>13.2f} {duck / checked:>15.2f}", flush=True)
            print(f"{'':<22} seconds: duckdb {duck:.3f}, loader {loader:.3f}, loader + checks {checked:.3f}; "
                  f"then, after publish, GX's confirmation {confirmed:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
