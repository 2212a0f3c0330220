"""Many provinces in one deployment (decision 0023): a province home per province, and the
national roll-up of their published marts, where the national figures are sums of the
provinces' own and every row carries its province."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import START
from tthc.cli import main
from tthc.config import Paths, paths, register_folder
from tests.province_extracts import as_province
from tthc.generator import generate
from warehouse.national import NationalUnavailable, build_national, national_warehouse
from warehouse.publish import PUBLISHED_SCHEMAS


@pytest.fixture(autouse=True)
def no_province_chosen(monkeypatch):
    """main() chooses a province for the whole process (TTHC_PROVINCE): never past a test."""
    monkeypatch.setenv("TTHC_PROVINCE", "75")
    monkeypatch.delenv("TTHC_PROVINCE")

# Province 79's own, shorter stretch: its periods end earlier than province 75's.
OTHER, OTHER_END = "79", START + dt.timedelta(days=6)


@pytest.fixture(scope="module")
def national(built, tmp_path_factory) -> Path:
    """A national root: province 75 is the session's built home (its published copy), province
    79 is a real run of its own extracts (the generator's, given units of register 79); then
    the roll-up."""
    root = tmp_path_factory.mktemp("national")
    own = Paths(root / "provinces" / "75", province="75").ensure()
    shutil.copy2(built.published, own.published)
    saved = {k: os.environ.get(k) for k in ("TTHC_HOME", "TTHC_PROVINCE")}
    os.environ["TTHC_HOME"] = str(root)
    os.environ.pop("TTHC_PROVINCE", None)
    try:
        generate(paths(OTHER).ensure().landing, START, OTHER_END, seed=11, scale=0.02)
        as_province(paths(OTHER).landing, OTHER, START.isoformat())      # its own units (register 79)
        assert main(["--province", OTHER, "run", "--from", START.isoformat(), "--to", OTHER_END.isoformat()]) == 0
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)
    build_national(root, echo=lambda *_: None)
    return root


def _query(path: Path, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def _province_published(root: Path, code: str) -> Path:
    return Paths(root / "provinces" / code, province=code).published


def test_every_load_names_its_province(national):
    codes = _query(Paths(national / "provinces" / OTHER).warehouse,
                   "select province_code, count(*) from raw.load_manifest group by all")
    assert [code for code, _ in codes] == [OTHER] and codes[0][1] > 0


def test_a_province_builds_with_its_own_register(national):
    """Province 79's home checks its extracts against register 79 and reports its own units:
    every load current, every unit of its marts one of its register's, its province row 79."""
    statuses = _query(Paths(national / "provinces" / OTHER).warehouse,
                      "select status, count(*) from raw.load_manifest group by all")
    assert [status for status, _ in statuses] == ["current"]
    with open(register_folder(OTHER) / "units.csv", encoding="utf-8") as f:
        register = {r["unit_code"] for r in csv.DictReader(f)}
    reported = {code for (code,) in _query(_province_published(national, OTHER),
                                           "select distinct unit_code from marts.fct_online_dossier_rate "
                                           "where unit_code is not null")}
    assert reported and reported <= register and "P79-TTR" in reported and not reported & {"70", "75", "DEP-GDDT"}
    provinces = _query(_province_published(national, OTHER), "select distinct province_code from marts.dim_report_period")
    assert provinces == [(OTHER,)]


def test_a_unit_of_another_province_is_quarantined_naming_the_home_register(landing, tmp_path):
    """Đồng Nai's unit codes are not Hồ Chí Minh City's: in province 79's home a row naming one
    is quarantined by the register check, which names register 79."""
    from ingestion.loader import load_file
    from tests.conftest import rows_of, write_rows
    from tthc.pipeline import validate_loads
    from warehouse.database import connect

    home = Paths(tmp_path / "provinces" / OTHER, province=OTHER).ensure()
    day = START + dt.timedelta(days=2)
    source = landing / "dossiers" / f"dossiers_{day}.csv"
    shutil.copytree(landing, tmp_path / "own")
    as_province(tmp_path / "own", OTHER, day.isoformat())
    rows = rows_of(tmp_path / "own" / "dossiers" / source.name)
    rows[1]["unit_code"] = "DEP-GDDT"                     # Đồng Nai's register's, not 79's
    path = write_rows(home.landing / "dossiers" / source.name, rows)
    with connect(home.warehouse) as con:
        assert load_file(con, path, "dossiers", "r", home.quarantine, province=OTHER).status == "pending"
    (issues,) = validate_loads(home, "r", echo=lambda *_: None).values()
    assert [(i.row_number, i.column, i.value) for i in issues] == [(2, "unit_code", "DEP-GDDT")]
    assert "dbt_project/registers/79/units.csv" in issues[0].problem


def test_dossier_codes_repeat_across_provinces_and_stay_apart(national, built):
    """A dossier code is unique within its province only: the two provinces share codes,
    and each province's figures in the roll-up are its own, untouched by the other's."""
    with duckdb.connect() as con:
        con.execute(f"attach '{built.warehouse}' as p75 (read_only)")
        con.execute(f"attach '{Paths(national / 'provinces' / OTHER).warehouse}' as p79 (read_only)")
        shared = con.execute("select count(distinct dossier_code) from p75.raw.dossiers "
                             "where dossier_code in (select dossier_code from p79.raw.dossiers)").fetchone()[0]
    assert shared > 0
    for code in ("75", OTHER):
        own = _query(_province_published(national, code),
                     "select kpi, period_id, numerator, denominator from marts.fct_kpi_scorecard where scope = 'province'")
        rolled = _query(national_warehouse(national),
                        "select kpi, period_id, numerator, denominator from national.kpi_by_province "
                        "where reporting_province = ?", [code])
        assert sorted(own) == sorted(rolled) and own


def test_every_published_table_is_the_union_of_the_provinces(national):
    target = national_warehouse(national)
    for code in ("75", OTHER):
        tables = _query(_province_published(national, code),
                        "select table_schema, table_name from information_schema.tables where table_schema in ?",
                        [list(PUBLISHED_SCHEMAS)])
        assert len(tables) > 40
        for schema, table in tables:
            own = _query(_province_published(national, code), f'select count(*) from "{schema}"."{table}"')[0][0]
            rolled = _query(target, f'select count(*) from "{schema}"."{table}" where reporting_province = ?', [code])[0][0]
            assert rolled == own, f"{schema}.{table} of {code}"


def test_national_figures_are_sums_of_the_provinces(national):
    """Read back from each province's own warehouse, not from the roll-up's tables."""
    expected: dict[tuple, list] = {}
    for code in ("75", OTHER):
        for kpi, period, n, d in _query(_province_published(national, code),
                                        "select kpi, period_id, numerator, denominator from marts.fct_kpi_scorecard "
                                        "where scope = 'province'"):
            total = expected.setdefault((kpi, period), [0, 0, 0])
            total[0] += n
            total[1] += d
            total[2] += 1
    rolled = {(kpi, period): [n, d, k] for kpi, period, n, d, k, rate in _query(
        national_warehouse(national),
        "select kpi, period_id, numerator, denominator, provinces_reporting, rate from national.kpi")}
    assert rolled == expected
    assert {k for (_, _), (_, _, k) in rolled.items()} == {1, 2}  # province 75 has periods 79 has not
    for kpi, period, n, d, rate in _query(national_warehouse(national),
                                          "select kpi, period_id, numerator, denominator, rate from national.kpi"):
        assert rate == (pytest.approx(n / d) if d else None)
    # the processing figures: national = each province's units summed, then the provinces
    units = {}
    for code in ("75", OTHER):
        for period, received, resolved, pending in _query(
                _province_published(national, code),
                "select period_id, sum(received_total), sum(resolved_total), sum(pending_total) "
                "from marts.fct_dossier_processing group by all"):
            units[period] = [a + b for a, b in zip(units.get(period, [0, 0, 0]), (received, resolved, pending))]
    national_rows = {period: [received, resolved, pending] for period, received, resolved, pending in _query(
        national_warehouse(national),
        "select period_id, received_total, resolved_total, pending_total from national.dossier_processing")}
    assert national_rows == units


def test_report_for_one_province_or_all(national, monkeypatch, capsys):
    monkeypatch.setenv("TTHC_HOME", str(national))
    assert main(["report", "--province", OTHER, "--from", START.isoformat(), "--to", OTHER_END.isoformat()]) == 0
    one = capsys.readouterr().out
    assert f"province {OTHER}" in one and "online dossier rate" in one
    os.environ.pop("TTHC_PROVINCE")   # main() chose province 79 for the process
    # province 75 is a published copy only: it has no warehouse to add a period to, so it is
    # left out of the free period, and the report says which provinces it holds
    assert main(["report", "--province", "all", "--from", START.isoformat(), "--to", OTHER_END.isoformat()]) == 0
    out = capsys.readouterr()
    assert "TTHC_PROVINCE" not in os.environ   # "all" is no province home
    assert "in 1 province(s)" in out.out and f"    {OTHER} Thành phố Hồ Chí Minh" in out.out
    period = f"adhoc_{START:%Y%m%d}_{OTHER_END:%Y%m%d}"
    assert f"province {OTHER}: {period} added to every mart" in out.err
    n, d = _query(national_warehouse(national), "select numerator, denominator from national.kpi "
                                                "where kpi = 'online_dossier_rate' and period_id = ?", [period])[0]
    own = _query(_province_published(national, OTHER), "select numerator, denominator from marts.fct_kpi_scorecard "
                 "where kpi = 'online_dossier_rate' and period_id = ? and scope = 'province'", [period])[0]
    assert (n, d) == own and d > 0


def test_a_wrong_province_is_named(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TTHC_HOME", str(tmp_path))
    with pytest.raises(SystemExit) as exit_:
        main(["--province", "70", "status"])   # Bình Phước: part of Đồng Nai (75) since 01/07/2025
    assert exit_.value.code == 2 and "'70' is not the code of a province since 01/07/2025" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="no province home under"):
        main(["national"])
    (tmp_path / "provinces" / "dong-nai").mkdir(parents=True)
    with pytest.raises(ValueError, match="dong-nai.*not the code of a province"):
        build_national(tmp_path)


def test_provinces_built_by_different_versions_are_not_added_up(national, tmp_path):
    for code in ("75", OTHER):
        copy = Paths(tmp_path / "provinces" / code, province=code).ensure()
        shutil.copy2(_province_published(national, code), copy.published)
    with duckdb.connect(str(Paths(tmp_path / "provinces" / OTHER).published)) as con:
        con.execute("alter table marts.fct_dossier_processing drop column closed_otherwise")
    with pytest.raises(NationalUnavailable, match=f"marts.fct_dossier_processing has other columns in province.s. {OTHER}"):
        build_national(tmp_path, echo=lambda *_: None)


def test_a_province_home_lands_apart_when_the_landing_moves(tmp_path, monkeypatch):
    """TTHC_LANDING (the compose file sets it) moves every landing folder: a province home's
    is then under it per province, never the single home's, nor another province's."""
    monkeypatch.setenv("TTHC_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TTHC_LANDING", str(tmp_path / "landing"))
    assert paths().landing == tmp_path / "landing"
    assert paths("79").landing == tmp_path / "landing" / "provinces" / "79"
    assert paths("79").warehouse == tmp_path / "home" / "provinces" / "79" / "warehouse" / "tthc.duckdb"
    monkeypatch.delenv("TTHC_LANDING")
    assert paths("79").landing == tmp_path / "home" / "provinces" / "79" / "landing"


def test_the_province_list_is_the_34_provinces_of_2025():
    from warehouse.provinces import provinces

    codes = provinces()
    assert len(codes) == 34 and all(len(code) == 2 and code.isdigit() for code in codes)
    assert codes["75"] == "Tỉnh Đồng Nai" and codes["79"] == "Thành phố Hồ Chí Minh"
    assert "70" not in codes   # Bình Phước: part of Đồng Nai since 01/07/2025
