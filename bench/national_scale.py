"""National-scale benchmark: one year at N times a province's volume, every mart in one pass.

For each scale: generate one year of extracts (the generator's bulk mode), run the whole
pipeline over all its days in one pass (tthc.pipeline.run: ingest, load checks, dbt build,
publish, docs, export, GX's confirmation of the load checks), and time a bare DuckDB query that computes the processing
report's main figures (received, resolved, pending, closed otherwise per unit for the
year) straight from the same CSV files. Prints wall time per step, peak memory, the
warehouse's size and the ratio of the project's run to the bare query; for scales not
run (over the time limit) the curve of those run and its extrapolation.

The scale is one province (Bình Phước's units) times N, not the 34 provinces' own units:
see tthc/generator/bulk.py.

Peak memory: the generation and the run each go in a child process; a thread samples the
resident memory of that child and all its descendants (dbt runs as a grandchild) every
0.2 s with psutil and keeps the largest sum ("peak RSS, tree"); beside it, the child's
getrusage ru_maxrss of itself and of its waited-for children: the largest single process
(a lower bound of the tree's peak, and exact where the sampling could miss a short peak).

    .venv/bin/python -m bench.national_scale --scales 1 10 100
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

YEAR = 2024        # a whole year before the 2025 reform: one set of units all year
DOSSIER_COLUMNS = {"dossier_code": "VARCHAR", "unit_code": "VARCHAR", "channel": "INTEGER", "received_at": "TIMESTAMP",
                   "due_at": "TIMESTAMP", "finished_at": "TIMESTAMP", "closed_at": "TIMESTAMP"}
STEPS = ("ingest", "validate_loads", "settle", "ingest_unit_reports", "build", "reconciliation_lines", "marts_findings",
         "publish", "document", "export", "confirm_load_checks")
# the steps after which readers have the year's marts (GX's confirmation comes after: decision 0024)
UNTIL_PUBLISHED = STEPS[:STEPS.index("publish") + 1]


def bare_query(landing: Path, period_start: dt.date, as_of: dt.date) -> str:
    """The processing report's figures per unit for [period_start, as_of] straight from the
    dossier extracts: each dossier's latest row up to ``as_of`` (the file's date is the
    extract day), counted as int_dossier_state_by_period counts it."""
    files = str(landing / "dossiers" / "dossiers_*.csv")
    types = ", ".join(f"'{c}': '{t}'" for c, t in DOSSIER_COLUMNS.items())
    return f"""
        with rows as (
            select {', '.join(DOSSIER_COLUMNS)},
                cast(regexp_extract(filename, 'dossiers_(\\d{{4}}-\\d{{2}}-\\d{{2}})\\.csv$', 1) as date) as extract_day
            from read_csv('{files}', header = true, filename = true, types = {{{types}}})
        ),
        latest as (
            select * exclude (extract_day) from rows where extract_day <= date '{as_of}'
            qualify row_number() over (partition by dossier_code order by extract_day desc) = 1
        ),
        counted as (
            select unit_code, cast(received_at as date) as received_day, cast(due_at as date) as due_day,
                cast(finished_at as date) as finished_day, cast(closed_at as date) as closed_day, channel
            from latest
            where received_at is not null and cast(received_at as date) <= date '{as_of}'
        )
        select unit_code,
            count(*) as received_total,
            count(*) filter (where received_day < date '{period_start}') as received_carried_over,
            count(*) filter (where finished_day is not null) as resolved_total,
            count(*) filter (where finished_day > due_day) as resolved_overdue,
            count(*) filter (where finished_day is null and closed_day is null) as pending_total,
            count(*) filter (where finished_day is null and closed_day is null and due_day < date '{as_of}') as pending_overdue,
            count(*) filter (where closed_day is not null) as closed_otherwise
        from counted
        where (finished_day is null or finished_day >= date '{period_start}')
          and (closed_day is null or closed_day >= date '{period_start}')
        group by unit_code
        order by unit_code"""


FIGURES = ("received_total", "received_carried_over", "resolved_total", "resolved_overdue", "pending_total",
           "pending_overdue", "closed_otherwise")


def bare_figures(landing: Path, period_start: dt.date, as_of: dt.date, threads: int | None = None) -> list[tuple]:
    import duckdb

    from warehouse.database import sql_literal

    with duckdb.connect() as con:
        con.execute("set enable_progress_bar = false")
        if threads:
            con.execute(f"set threads = {sql_literal(threads)}")
        return con.execute(bare_query(landing, period_start, as_of)).fetchall()


def project_figures(warehouse: Path, period_id: str) -> list[tuple]:
    """The same figures from the project's marts (fct_dossier_processing: the units' rows
    that rpt_processing_report adds up), units with a dossier only."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(f"""
            select unit_code, {', '.join(FIGURES)} from marts.fct_dossier_processing
            where period_id = ? and received_total > 0 order by unit_code""", [period_id]).fetchall()


# -- measuring a child process tree ----------------------------------------------------------

@dataclass
class Measured:
    seconds: float
    peak_tree_bytes: int        # largest sum of RSS over the child and its descendants (sampled)
    peak_single_bytes: int      # getrusage(RUSAGE_CHILDREN).ru_maxrss: the largest one process
    result: dict = field(default_factory=dict)


def measured(args: list[str], env: dict, result_file: Path, timeout: float | None) -> Measured:
    """Run ``python -m bench.national_scale <args>`` as a child; sample its tree's memory."""
    import psutil

    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bench.national_scale", *args], env=env)
    peak, stop = [0], threading.Event()

    def sample():
        try:
            root = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not stop.is_set():
            total = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.NoSuchProcess:
                        pass
            except psutil.NoSuchProcess:
                break
            peak[0] = max(peak[0], total)
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        for p in psutil.Process(proc.pid).children(recursive=True):
            p.kill()
        proc.kill()
        proc.wait()
        raise
    finally:
        stop.set()
        sampler.join()
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"bench.national_scale {' '.join(args)} failed with exit {proc.returncode}")
    result = json.loads(result_file.read_text()) if result_file.exists() else {}
    return Measured(seconds, peak[0], result.get("maxrss_bytes", 0), result)


def _maxrss() -> int:
    """The largest resident size of this process or any descendant it waited for (dbt, the
    generator's workers): getrusage's ru_maxrss, KiB on Linux."""
    return 1024 * max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


# -- the child's two jobs ----------------------------------------------------------------------

def _child_generate(home: Path, scale: float, seed: int, out: Path) -> None:
    from tthc.generator.bulk import generate_bulk

    started = time.perf_counter()
    summary = generate_bulk(home / "landing", dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), seed=seed, scale=scale)
    out.write_text(json.dumps({"seconds": time.perf_counter() - started, "dossiers": summary.dossiers,
                               "extract_rows": summary.extract_rows, "maxrss_bytes": _maxrss()}))


def _child_run(home: Path, out: Path) -> None:
    """tthc.pipeline.run over the whole year in one pass, each of its steps timed (wrapped in
    place, so that the run is the command's own), dbt's per-model timings of the build kept."""
    from tthc import pipeline
    from tthc.config import Paths

    import psutil

    paths = Paths(home)
    steps: dict[str, float] = {}
    step_peaks: dict[str, int] = {}     # the largest RSS of this process and dbt's during each step
    current: list[str | None] = [None]
    stop = threading.Event()

    def sample():
        me = psutil.Process()
        while not stop.wait(0.2):
            total = 0
            for p in [me, *me.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.NoSuchProcess:
                    pass
            if current[0]:
                step_peaks[current[0]] = max(step_peaks.get(current[0], 0), total)

    threading.Thread(target=sample, daemon=True).start()
    for name in STEPS:
        original = getattr(pipeline, name)

        def timed(*args, _name=name, _original=original, **kwargs):
            started = time.perf_counter()
            current[0] = _name
            try:
                return _original(*args, **kwargs)
            finally:
                current[0] = None
                steps[_name] = steps.get(_name, 0.0) + time.perf_counter() - started
                if _name == "build" and (paths.dbt_target / "run_results.json").exists():
                    shutil.copyfile(paths.dbt_target / "run_results.json", home / "build_run_results.json")
        setattr(pipeline, name, timed)
    started = time.perf_counter()
    summary = pipeline.run(paths, pipeline.dates_between(dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)), echo=lambda *_: None)
    seconds = time.perf_counter() - started
    statuses = sorted({f.status for f in summary.files})
    stop.set()
    out.write_text(json.dumps({"seconds": seconds, "steps": steps, "step_peak_bytes": step_peaks, "files": len(summary.files),
                               "statuses": statuses, "maxrss_bytes": _maxrss()}))


# -- one scale, and the table ------------------------------------------------------------------

@dataclass
class ScaleResult:
    scale: float
    dossiers: int
    extract_rows: int
    landing_bytes: int
    generate: Measured
    run: Measured
    warehouse_bytes: int
    published_bytes: int
    bare_seconds: float
    figures_agree: bool
    slowest_models: list[tuple[str, float]]


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def run_scale(root: Path, scale: float, seed: int, timeout: float | None, echo) -> ScaleResult:
    home = root / f"x{scale:g}"
    home.mkdir(parents=True)
    env = dict(os.environ, TTHC_HOME=str(home), TTHC_DEMO=os.environ.get("TTHC_DEMO", "1"))
    env.pop("TTHC_LANDING", None)
    echo(f"scale {scale:g}: generating {YEAR} (bulk mode) in {home}")
    gen = measured(["_generate", str(home), str(scale), str(seed)], env, home / "generate.json", timeout)
    echo(f"  generated {gen.result['extract_rows']:,} extract rows ({gen.result['dossiers']:,} dossiers) in {gen.seconds:.0f} s")
    echo("  running the pipeline over the year in one pass")
    run = measured(["_run", str(home)], env, home / "run.json", timeout)
    echo(f"  ran in {run.seconds:.0f} s")
    started = time.perf_counter()
    bare = bare_figures(home / "landing", dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
    bare_seconds = time.perf_counter() - started
    agree = bare == project_figures(home / "published" / "tthc.duckdb", f"year_{YEAR}")
    slowest = []
    results = home / "build_run_results.json"
    if results.exists():
        models = [(r["unique_id"].split(".")[-1], r["execution_time"]) for r in json.loads(results.read_text())["results"]
                  if r["unique_id"].startswith("model.")]
        slowest = sorted(models, key=lambda m: -m[1])[:5]
    return ScaleResult(scale, gen.result["dossiers"], gen.result["extract_rows"], dir_bytes(home / "landing"), gen, run,
                       (home / "warehouse" / "tthc.duckdb").stat().st_size, (home / "published" / "tthc.duckdb").stat().st_size,
                       bare_seconds, agree, slowest)


def gib(n: float) -> str:
    return f"{n / 2**30:.2f}"


def table(results: list[ScaleResult]) -> list[str]:
    head = (f"{'scale':>5} {'dossiers':>11} {'rows':>12} {'CSV GiB':>7} {'gen s':>6} {'gen RSS':>7} {'run s':>7} "
            f"{'run RSS tree':>12} {'single':>6} {'wh GiB':>6} {'pub GiB':>7} {'bare s':>6} {'run/bare':>8} {'build/bare':>10} agree")
    out = [head, "-" * len(head)]
    for r in results:
        build = r.run.result["steps"].get("build", float("nan"))
        out.append(f"{r.scale:>5g} {r.dossiers:>11,} {r.extract_rows:>12,} {gib(r.landing_bytes):>7} {r.generate.seconds:>6.0f} "
                   f"{gib(r.generate.peak_tree_bytes):>7} {r.run.seconds:>7.0f} {gib(r.run.peak_tree_bytes):>12} "
                   f"{gib(r.run.peak_single_bytes):>6} {gib(r.warehouse_bytes):>6} {gib(r.published_bytes):>7} "
                   f"{r.bare_seconds:>6.1f} {r.run.seconds / r.bare_seconds:>8.0f} {build / r.bare_seconds:>10.0f} "
                   f"{'yes' if r.figures_agree else 'NO'}")
    out.append("(RSS in GiB; run RSS tree: the run and its dbt child summed, sampled; single: the largest one process)")
    return out


def step_lines(results: list[ScaleResult]) -> list[str]:
    out = []
    for r in results:
        steps = r.run.result["steps"]
        total = r.run.seconds
        peaks = r.run.result.get("step_peak_bytes", {})
        published = sum(s for name, s in steps.items() if name in UNTIL_PUBLISHED)
        out.append(f"scale {r.scale:g}, run {total:.0f} s, marts published after {published:.0f} s: " + ", ".join(
            f"{name} {s:.0f} s ({s / total:.0%}" + (f", peak {gib(peaks[name])} GiB)" if name in peaks else ")")
            for name, s in steps.items() if s >= 0.5))
        if r.slowest_models:
            out.append("  slowest dbt models of the build: " + ", ".join(f"{m} {s:.1f} s" for m, s in r.slowest_models))
    return out


def fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least squares of log y = a + b log x: y = e^a x^b (b = 1: linear in the volume)."""
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    sxx = sum((x - mx) ** 2 for x in lx)
    b = sum((x - mx) * (y - my) for x, y in zip(lx, ly)) / sxx if sxx else 1.0
    return my - b * mx, b


def extrapolation(results: list[ScaleResult], wanted: list[float]) -> list[str]:
    missing = [s for s in wanted if s not in {r.scale for r in results}]
    if not missing or not results:
        return []
    xs = [r.scale for r in results]
    out = ["curve of the scales run, and its extrapolation (log-log least squares; linear from the largest run "
           "beside it):"]
    for label, values, unit in (("generate s", [r.generate.seconds for r in results], "s"),
                                ("run s", [r.run.seconds for r in results], "s"),
                                ("run peak RSS tree", [r.run.peak_tree_bytes / 2**30 for r in results], "GiB"),
                                ("warehouse", [r.warehouse_bytes / 2**30 for r in results], "GiB"),
                                ("bare query s", [r.bare_seconds for r in results], "s")):
        curve = ", ".join(f"{x:g}x {v:.2f}" for x, v in zip(xs, values))
        if len(xs) > 1:
            a, b = fit(xs, values)
            guess = ", ".join(f"{s:g}x ~{math.exp(a) * s ** b:.1f} {unit} (linear {values[-1] * s / xs[-1]:.1f})"
                              for s in missing)
            out.append(f"  {label}: {curve}; exponent {b:.2f}; {guess}")
        else:
            out.append(f"  {label}: {curve}; linear: " + ", ".join(f"{s:g}x ~{values[-1] * s / xs[-1]:.1f} {unit}" for s in missing))
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_generate":
        home = Path(argv[1])
        _child_generate(home, float(argv[2]), int(argv[3]), home / "generate.json")
        return 0
    if argv and argv[0] == "_run":
        home = Path(argv[1])
        _child_run(home, home / "run.json")
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10, 100], help="times a province's year (default 1 10 100)")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--budget", type=float, default=15 * 60,
                        help="seconds a scale's run may take: a larger scale is not tried when the curve so far puts "
                             "its run over this, and a run is stopped after 3 times it (default 900)")
    parser.add_argument("--keep", type=Path, help="keep the homes in this folder (default: a temporary one, removed)")
    args = parser.parse_args(argv)
    echo = lambda m: print(m, flush=True)  # noqa: E731
    echo(f"national scale: one province's year ({YEAR}) times {', '.join(f'{s:g}' for s in args.scales)}; "
         f"one province's units, each with N times its volume (not 34 provinces' units); "
         f"{os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB")
    root = args.keep or Path(tempfile.mkdtemp(prefix="tthc-national-"))
    results: list[ScaleResult] = []
    try:
        for scale in sorted(args.scales):
            if results:
                xs = [r.scale for r in results]
                ys = [r.run.seconds + r.generate.seconds for r in results]
                a, b = fit(xs, ys) if len(xs) > 1 else (math.log(ys[0] / xs[0]), 1.0)
                predicted = math.exp(a) * scale ** max(b, 1.0)
                if predicted > args.budget:
                    echo(f"scale {scale:g}: not run, the curve puts generation and run at ~{predicted:.0f} s, "
                         f"over the budget of {args.budget:.0f} s")
                    continue
            try:
                results.append(run_scale(root, scale, args.seed, 3 * args.budget, echo))
            except subprocess.TimeoutExpired:
                echo(f"scale {scale:g}: stopped after {3 * args.budget:.0f} s")
                break
            for line in table(results[-1:])[2:3]:   # as it goes: a long run stopped later keeps its figures
                echo(line)
            if not args.keep:   # the next scale needs the disk
                shutil.rmtree(root / f"x{scale:g}", ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    for line in table(results) + step_lines(results) + extrapolation(results, sorted(args.scales)):
        echo(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
