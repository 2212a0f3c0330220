"""Bulk mode of the generator, for volumes far beyond one province (bench/national_scale.py).

The same rules as ``generate`` (tthc/generator/extracts.py: the same calibration, events,
outcome shares, payments, catalogue and report entries, the same columns and CSV format),
made in chunks so that memory stays bounded and the work spreads over the cores:

- the dossiers are drawn per window of receipt days (each window with its own random
  stream), in worker processes; each window's extract rows and payments go to a Parquet
  part, and DuckDB then writes one CSV per source and day from all parts (PARTITION_BY);
- so the files differ from ``generate``'s for the same seed, and the rows of a day are
  not sorted by update time (no reader relies on that order); the catalogue and the
  report entries are ``generate``'s own.

It is one province's volumes times ``scale``: the same units, each with ``scale`` times
its dossiers. A national case with the 34 provinces' own units is not modelled here.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tthc.generator import payments
from tthc.generator.catalogue import build_catalogue
from warehouse.database import sql_identifier, sql_literal
from tthc.generator.extracts import (CALIBRATION_DAYS, CSV_TIMESTAMP, OUTPUT_COLUMNS, WARM_UP_DAYS, GenerationSummary,
                                     _register, dossier_and_payment_rows, start_generation, write_submissions)

CHUNK_DOSSIERS = 150_000   # dossiers per window: about 0.7 GB of memory in a worker
WRITE_MEMORY = "2GB"       # DuckDB's memory for writing the daily files


def generate_bulk(landing: Path, start: dt.date, end: dt.date, seed: int = 2022, scale: float = 1.0,
                  workers: int | None = None, echo=None) -> GenerationSummary:
    """Write the daily extracts of [start, end] into ``landing/<source>/``, as ``generate`` does,
    in chunks: see the module's docstring for what differs."""
    rng, units, calibration, catalogue = start_generation(landing, start, end, seed, scale)
    write_submissions(landing, seed, start, end)

    first = pd.Timestamp(start) - pd.Timedelta(days=WARM_UP_DAYS)
    receipt_days = pd.date_range(first, end, freq="D")
    per_day = calibration["received_90d"].sum() / CALIBRATION_DAYS * scale
    n_windows = max(1, math.ceil(per_day * len(receipt_days) / CHUNK_DOSSIERS))
    windows = [(w[0], w[-1]) for w in np.array_split(receipt_days, min(n_windows, len(receipt_days))) if len(w)]
    parts = Path(tempfile.mkdtemp(prefix="tthc-bulk-"))
    try:
        tasks = [(i, window, seed, scale, start, end, parts) for i, window in enumerate(windows)]
        workers = workers or min(len(tasks), os.cpu_count() or 1)
        received = rows = 0
        if workers == 1:
            results = map(_chunk, tasks)
        else:
            pool = ProcessPoolExecutor(workers)
            results = pool.map(_chunk, tasks)
        for done, (r, n) in enumerate(results, start=1):
            received, rows = received + r, rows + n
            if echo:
                echo(f"  window {done}/{len(tasks)}: {rows:,} extract rows so far")
        if workers != 1:
            pool.shutdown()
        days = pd.date_range(start, end, freq="D")
        _write_days(parts / "dossiers", landing / "dossiers", "dossiers", OUTPUT_COLUMNS, days)
        _write_days(parts / "payments", landing / "payments", "payments", payments.COLUMNS, days)
    finally:
        shutil.rmtree(parts, ignore_errors=True)
    return GenerationSummary(len(days), received, rows, landing)


def _chunk(task) -> tuple[int, int]:
    """One window of receipt days: its dossiers' and payments' extract rows to Parquet parts."""
    i, window, seed, scale, start, end, parts = task
    units, calibration = _register()
    catalogue = build_catalogue(np.random.default_rng(seed))   # the same catalogue in every chunk
    rows, payment_rows, received = dossier_and_payment_rows(
        np.random.default_rng([seed, 10, i]), np.random.default_rng([seed, 11, i]), units, calibration, catalogue,
        start, end, scale, received=window, sort=False)
    for source, frame, columns in (("dossiers", rows, OUTPUT_COLUMNS), ("payments", payment_rows, payments.COLUMNS)):
        (parts / source).mkdir(parents=True, exist_ok=True)
        if frame.empty:   # a window of warm-up days can have no payment in range: no part (its columns have no type)
            continue
        table = pa.Table.from_pandas(frame[columns + ["extract_day"]], preserve_index=False)
        pq.write_table(table, parts / source / f"part-{i:05d}.parquet")
    return received, len(rows)


def _write_days(parts: Path, out: Path, source: str, columns: list[str], days: pd.DatetimeIndex) -> None:
    """One CSV per day from every part (DuckDB's partitioned write), header only on a day without rows."""
    out.mkdir(parents=True, exist_ok=True)
    staging = parts.parent / f"{source}-by-day"
    quoted = ", ".join(sql_identifier(c) for c in columns)
    with duckdb.connect() as con:
        # bounded, so that the partitioned write spills rather than holding every day's rows (8 GB at 10x)
        con.execute(f"set preserve_insertion_order = false; set enable_progress_bar = false; "
                    f"set memory_limit = {sql_literal(WRITE_MEMORY)}; set temp_directory = {sql_literal(parts.parent / 'spill')}")
        if any(parts.glob("*.parquet")):   # else every day's file is a header only
            con.execute(f"""
                copy (select {quoted}, cast(extract_day as date) as extract_day
                      from read_parquet({sql_literal(str(parts / '*.parquet'))}, union_by_name = true))
                to {sql_literal(staging)} (format csv, header, partition_by (extract_day),
                                           timestampformat {sql_literal(CSV_TIMESTAMP)}, dateformat '%Y-%m-%d')""")
    for day in days:
        target = out / f"{source}_{day.date().isoformat()}.csv"
        written = sorted((staging / f"extract_day={day.date().isoformat()}").glob("*.csv"))
        if not written:
            target.write_text(",".join(columns) + "\n", encoding="utf-8")
        elif len(written) == 1:
            os.replace(written[0], target)
        else:   # one file per thread: one header, then every file's rows
            with open(target, "wb") as f:
                for k, part in enumerate(written):
                    with open(part, "rb") as src:
                        if k:
                            src.readline()
                        shutil.copyfileobj(src, f)
    shutil.rmtree(staging, ignore_errors=True)
