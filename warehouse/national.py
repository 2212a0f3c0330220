"""The national roll-up: every province home's published marts in one warehouse, and the
national figures as sums of the provinces' own (decision 0023).

Each province home builds its marts from its own portal's extracts, with its own dossier
codes (unique within the province only), units and targets. The roll-up never sees a
dossier: it copies each province's published tables with the province's code as the first
column, ``reporting_province``, so that every key includes the province, and it adds the
national figures by summing each province's own province row, numerator and denominator
apart, before dividing. A province whose period is as of an earlier day than another's is
summed as it is; the national rows say how many provinces they hold and as of which days.

Built beside the published file and swapped in with one atomic rename, like a province's
published copy (warehouse/publish.py): readers keep the old data until they reopen. A lock
keeps two roll-ups (two provinces finishing together) from writing the same file.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tthc.config import Paths, province_home
from warehouse.database import sql_identifier, sql_literal
from warehouse.provinces import PROVINCES_CSV, province_folders
from warehouse.publish import PUBLISHED_SCHEMAS

class NationalUnavailable(RuntimeError):
    """No province home can be rolled up, or their marts differ: the message says which and what to do."""


@dataclass
class RollUp:
    warehouse: Path
    provinces: list[str]        # rolled up
    not_yet_built: list[str]    # province homes without a published warehouse yet
    tables: int


def national_warehouse(root: Path) -> Path:
    """The roll-up readers open: TTHC_HOME/national/tthc.duckdb."""
    return root / "national" / "tthc.duckdb"


def province_homes(root: Path) -> list[Paths]:
    return [province_home(root, code) for code, _ in province_folders(root)]


def build_national(root: Path, echo: Callable[[str], None] = print) -> RollUp:
    homes = province_homes(root)
    ready = [home for home in homes if home.published.exists()]
    not_yet = [home.province_code for home in homes if not home.published.exists()]
    if not ready:
        raise NationalUnavailable(
            f"no province home under {root / 'provinces'} has a published warehouse: "
            "run `tthc --province CODE run ...` for each province first")
    target = national_warehouse(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(target.name + ".building")
    with _locked(target.with_name(".rollup.lock")):
        building.unlink(missing_ok=True)
        con = duckdb.connect(str(building))
        try:
            tables = _copy_provinces(con, ready)
            _add_national_figures(con)
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(building, target)
    codes = [home.province_code for home in ready]
    echo(f"national roll-up of {len(codes)} province(s) ({', '.join(codes)}): {tables} tables in {target}"
         + (f"; not built yet: {', '.join(not_yet)}" if not_yet else ""))
    return RollUp(target, codes, not_yet, tables)


@contextmanager
def _locked(path: Path):
    with open(path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _copy_provinces(con: duckdb.DuckDBPyConnection, homes: list[Paths]) -> int:
    """Each published table once, as the union of the provinces' tables, province first."""
    shapes: dict[tuple[str, str], dict[str, list]] = {}
    for home in homes:
        alias = f"province_{home.province_code}"
        con.execute(f"attach {sql_literal(str(home.published))} as {sql_identifier(alias)} (read_only)")
        for schema, table, columns in con.execute(
                "select table_schema, table_name, list(column_name || ' ' || data_type order by ordinal_position) "
                "from information_schema.columns where table_catalog = ? and table_schema in ? "
                "group by all order by all", [alias, list(PUBLISHED_SCHEMAS)]).fetchall():
            shapes.setdefault((schema, table), {})[home.province_code] = columns
    _check_same_shapes(shapes, [home.province_code for home in homes])
    for schema in sorted({schema for schema, _ in shapes}):
        con.execute(f"create schema {sql_identifier(schema)}")
    for schema, table in sorted(shapes):
        name = f"{sql_identifier(schema)}.{sql_identifier(table)}"
        provinces_union = "\nunion all\n".join(
            f"select {sql_literal(code)} as reporting_province, * from {sql_identifier('province_' + code)}.{name}"
            for code in sorted(shapes[(schema, table)]))
        con.execute(f"create table {name} as {provinces_union}")
    con.execute("create schema if not exists reference")
    con.execute("create table reference.provinces as select province_code, province_name, valid_from, basis "
                f"from read_csv({sql_literal(str(PROVINCES_CSV))}, all_varchar = true)")
    for home in homes:
        con.execute(f"detach {sql_identifier('province_' + home.province_code)}")
    return len(shapes) + 1


def _check_same_shapes(shapes: dict[tuple[str, str], dict[str, list]], codes: list[str]) -> None:
    """Provinces built by different versions of the project cannot be added up: say which differ."""
    problems = []
    for (schema, table), by_province in sorted(shapes.items()):
        missing = [code for code in codes if code not in by_province]
        if missing:
            problems.append(f"{schema}.{table} is missing in province(s) {', '.join(missing)}")
        if len({tuple(columns) for columns in by_province.values()}) > 1:
            first, *_ = by_province
            differ = [code for code, columns in by_province.items() if columns != by_province[first]]
            problems.append(f"{schema}.{table} has other columns in province(s) {', '.join(differ)} than in {first}")
    if problems:
        raise NationalUnavailable(
            "the provinces' marts differ, so they cannot be added up: " + "; ".join(problems)
            + ". Rebuild those provinces with this version: `tthc --province CODE run --full-refresh --from A --to B`")


def _add_national_figures(con: duckdb.DuckDBPyConnection) -> None:
    measures = [c for (c,) in con.execute(
        "select column_name from information_schema.columns where table_schema = 'marts' "
        "and table_name = 'fct_dossier_processing' and column_name not in ('reporting_province', 'period_id', 'unit_code') "
        "order by ordinal_position").fetchall()]
    measure_columns = ", ".join(f"r.{sql_identifier(m)}" for m in measures)
    measure_sums = ", ".join(f"sum({sql_identifier(m)}) as {sql_identifier(m)}" for m in measures)
    con.execute("create schema national")
    # each province's own province row: the figures its reports print
    con.execute("""
        create table national.kpi_by_province as
        select k.reporting_province, p.province_name as reporting_province_name,
            k.kpi, k.period_id, k.period_label, k.period_kind, k.period_start, k.period_end, k.as_of_day, k.is_partial,
            k.numerator, k.denominator, k.rate, k.target_rate, k.verdict
        from marts.fct_kpi_scorecard as k
        inner join reference.provinces as p on p.province_code = k.reporting_province
        where k.scope = 'province'
    """)
    con.execute("""
        create table national.kpi as
        select kpi, period_id, period_label, period_kind, period_start, period_end,
            count(*) as provinces_reporting,
            string_agg(reporting_province, ', ' order by reporting_province) as reporting_provinces,
            min(as_of_day) as earliest_as_of_day,
            max(as_of_day) as latest_as_of_day,
            bool_or(is_partial) as is_partial,
            sum(numerator) as numerator,
            sum(denominator) as denominator,
            sum(numerator) / nullif(sum(denominator), 0) as rate
        from national.kpi_by_province
        group by all
    """)
    con.execute(f"""
        create table national.dossier_processing_by_province as
        select r.reporting_province, p.province_name as reporting_province_name,
            r.period_id, r.period_label, r.period_start, r.period_end, r.as_of_day, {measure_columns}
        from marts.rpt_processing_report as r
        inner join reference.provinces as p on p.province_code = r.reporting_province
        where r.row_kind = 'total'
    """)
    con.execute(f"""
        create table national.dossier_processing as
        select period_id, period_label, period_start, period_end,
            count(*) as provinces_reporting,
            string_agg(reporting_province, ', ' order by reporting_province) as reporting_provinces,
            min(as_of_day) as earliest_as_of_day,
            max(as_of_day) as latest_as_of_day,
            {measure_sums}
        from national.dossier_processing_by_province
        group by all
    """)
