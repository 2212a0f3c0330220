"""The national-scale benchmark's pieces: its bare query and the generator's bulk mode."""

from __future__ import annotations

import csv
import datetime as dt

import duckdb
import pytest

from bench.national_scale import bare_figures, extrapolation, fit, project_figures
from tests.conftest import END, START
from tthc.generator import generate
from tthc.generator.bulk import generate_bulk


@pytest.mark.parametrize("period_id, period_start, as_of", [
    ("month_2021_12", dt.date(2021, 12, 1), dt.date(2021, 12, 31)),
    ("month_2022_01", dt.date(2022, 1, 1), END),   # in progress: as of the last extract
])
def test_the_bare_query_finds_the_processing_reports_figures(built, period_id, period_start, as_of):
    """What the benchmark compares the run with is the same report: per unit, every figure
    the bare query computes from the CSV files equals the marts' (fct_dossier_processing,
    the rows rpt_processing_report adds up)."""
    bare = bare_figures(built.landing, period_start, as_of)
    assert len(bare) > 100
    assert bare == project_figures(built.published, period_id)


def header(path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


def test_bulk_mode_writes_the_generators_files_with_its_rules(tmp_path):
    start, end = START, START + dt.timedelta(days=9)
    summary = generate_bulk(tmp_path / "bulk", start, end, seed=7, scale=0.05, workers=1)
    generate(tmp_path / "plain", start, end, seed=7, scale=0.05)
    for source in ("dossiers", "payments", "report_submissions", "services"):
        bulk = sorted(p.name for p in (tmp_path / "bulk" / source).iterdir())
        assert bulk == sorted(p.name for p in (tmp_path / "plain" / source).iterdir()), source
        for name in bulk:
            assert header(tmp_path / "bulk" / source / name) == header(tmp_path / "plain" / source / name)
    # the catalogue and the report entries are generate's own
    for source in ("services", "report_submissions"):
        for p in (tmp_path / "plain" / source).iterdir():
            assert (tmp_path / "bulk" / source / p.name).read_bytes() == p.read_bytes()

    def stats(folder):
        return duckdb.sql(f"""
            select count(*), count(distinct dossier_code), count(distinct (dossier_code, filename)),
                count(*) filter (where status = '9'), count(*) filter (where status in ('3', '7', '8'))
            from read_csv('{folder}/dossiers/*.csv', filename = true, all_varchar = true)""").fetchall()[0]

    rows, dossiers, per_day, resolved, closed = stats(tmp_path / "bulk")
    assert rows == summary.extract_rows and per_day == rows   # one row per dossier and day it changed
    plain = stats(tmp_path / "plain")
    # drawn in windows with their own random streams: other dossiers, the same volumes and shares
    assert 0.85 < rows / plain[0] < 1.15 and 0.85 < dossiers / plain[1] < 1.15
    assert 0.7 < resolved / plain[3] < 1.3
    with duckdb.connect() as con:   # every payment is of a delivered dossier
        orphans = con.execute(f"""
            select count(*) from read_csv('{tmp_path}/bulk/payments/*.csv', all_varchar = true) p
            where p.dossier_code not in (select dossier_code from read_csv('{tmp_path}/bulk/dossiers/*.csv', all_varchar = true))
            """).fetchone()[0]
    assert orphans == 0


def test_the_extrapolation_follows_a_power_law():
    a, b = fit([1, 10], [2.0, 20.0])
    assert b == pytest.approx(1.0)

    class R:   # a measured scale, as far as the extrapolation reads it
        def __init__(self, scale, seconds):
            self.scale = scale
            self.generate = self.run = type("M", (), {"seconds": seconds, "peak_tree_bytes": seconds * 2**30})()
            self.warehouse_bytes, self.bare_seconds = seconds * 2**30, seconds / 10

    lines = extrapolation([R(1, 10.0), R(2, 40.0)], [1, 2, 100])
    run = next(line for line in lines if line.strip().startswith("run s"))
    assert "exponent 2.00" in run and "100x ~100000.0 s" in run
