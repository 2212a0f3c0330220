"""A period after the 2025 reform is reported in today's structure; one before it, as it was.

Extracts from 20/06 to 10/07/2025 (from 01/07 the generator writes today's units, and
keeps the code of a provincial unit whose successor is not known): June is Bình Phước (70)
in the 2022 layout; July is today's Đồng Nai (75) in two tiers, with the dossiers of units
that ended counted under their successors and those of units with no known successor
listed, never counted under a unit that no longer exists."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from tthc.config import Paths
from tthc.generator import generate
from tthc.pipeline import dates_between, run

START, END = dt.date(2025, 6, 20), dt.date(2025, 7, 10)


@pytest.fixture(scope="module")
def reformed(tmp_path_factory) -> Paths:
    paths = Paths(tmp_path_factory.mktemp("reform")).ensure()
    generate(paths.landing, START, END, seed=11, scale=0.04)
    run(paths, dates_between(START, END), run_id="reform", echo=lambda *_: None)
    return paths


def rows(paths: Paths, sql: str, params=None, warehouse: bool = False) -> list[tuple]:
    with duckdb.connect(str(paths.warehouse if warehouse else paths.published), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_periods_name_the_province_of_their_as_of_day(reformed):
    periods = dict((p, (c, s)) for p, c, s in rows(reformed, "select period_id, province_code, spans_reorganisation "
                                                           "from marts.dim_report_period"))
    assert periods["month_2025_06"] == ("70", False) and periods["month_2025_07"] == ("75", False)
    assert periods["year_2025"] == ("75", True)      # spans the reform: reported by today's units


def test_july_is_in_two_tiers_with_only_units_that_exist(reformed):
    report = rows(reformed, "select row_kind, section, row_label from marts.rpt_processing_report "
                            "where period_id = 'month_2025_07' order by sort_key")
    sections = [(s, label) for kind, s, label in report if kind == "section"]
    assert sections == [("A", "Cấp tỉnh"), ("B", "Cấp xã")]
    communes = [label for kind, s, label in report if kind == "detail" and s == "B"]
    assert len(communes) == 95 and all(c.startswith(("Xã ", "Phường ")) for c in communes)
    in_force = {n for (n,) in rows(reformed, """select unit_name from marts.dim_unit_history
                                              where date '2025-07-31' between valid_from and valid_until""")}
    assert {label for kind, _, label in report if kind == "detail"} <= in_force
    province = rows(reformed, "select distinct unit_code, unit_name from marts.fct_kpi_scorecard "
                              "where period_id = 'month_2025_07' and scope = 'province'")
    assert province == [("75", "Tỉnh Đồng Nai")]
    # a unit with no place in July's report (a district) is in no unit-level mart: it is listed outside
    units = {u for (u,) in rows(reformed, "select distinct unit_code from marts.fct_kpi_scorecard "
                                          "where period_id = 'month_2025_07' and scope = 'unit'")}
    assert len(units) == 95 + 13 and "689" not in units and not any(u.startswith("LRB-") for u in units)


def test_june_keeps_the_layout_of_its_time(reformed):
    sections = rows(reformed, "select section, row_label from marts.rpt_processing_report "
                              "where period_id = 'month_2025_06' and row_kind = 'section' order by sort_key")
    assert sections == [("A", "Cấp tỉnh"), ("B", "Cấp huyện"), ("C", "Cấp xã")]
    assert rows(reformed, "select distinct unit_code from marts.fct_online_dossier_rate "
                          "where period_id = 'month_2025_06' and scope = 'province'") == [("70",)]


def test_every_dossier_is_in_the_report_or_listed_outside_it(reformed):
    """In July the old communes' dossiers count under the communes of today; a district's
    (the tier is gone) and a unit with no known successor are listed with the reason."""
    (counted,), = rows(reformed, "select count(*) from intermediate.int_dossier_state_by_period "
                                 "where period_id = 'month_2025_07'", warehouse=True)
    (reported,), = rows(reformed, "select received_total from marts.rpt_processing_report "
                                  "where period_id = 'month_2025_07' and row_kind = 'total'")
    outside = rows(reformed, "select unit_code, successor_code, basis, dossiers from marts.rpt_dossiers_outside_the_report "
                             "where period_id = 'month_2025_07'")
    assert reported + sum(d for *_, d in outside) == counted
    by_unit = {u: (s, b) for u, s, b, _ in outside}
    assert outside and all(s is None and b for s, b in by_unit.values())        # e.g. a district's open June dossier
    assert all(u not in by_unit for (u,) in rows(reformed, "select old_code from reference.unit_crosswalk_2025 "
                                                            "where new_code is not null"))
    moved = rows(reformed, """select m.unit_code, m.report_unit_code from marts.dim_report_unit_of m
                              where m.period_id = 'month_2025_07' and m.unit_code = '25198'""")
    assert moved == [("25198", "25195")]                                        # Tân Đồng -> Phường Bình Phước


def test_the_runs_excel_report_for_july_reads_as_todays_province(reformed):
    """The run ends on 10/07/2025, so it writes July's workbook: no sheet names Bình Phước
    the province, nor a district tier; the totals are Đồng Nai's."""
    from openpyxl import load_workbook

    book = load_workbook(reformed.reports / "bao_cao_month_2025_07.xlsx")
    text = {name: " | ".join(str(c) for row in book[name].iter_rows(values_only=True) for c in row if c is not None)
            for name in ("Báo cáo KPI", "PL1 Dịch vụ công", "PL2 Hồ sơ trực tuyến", "PL4 Xử lý hồ sơ")}
    for name, cells in text.items():
        assert "Tỉnh Bình Phước" not in cells and "cấp huyện" not in cells.lower() and "Các xã thuộc" not in cells, name
    assert "Tổng cộng (Tỉnh Đồng Nai)" in text["PL2 Hồ sơ trực tuyến"]
    assert "số liệu đến ngày 10/07/2025" in text["PL4 Xử lý hồ sơ"]


def test_extract_rows_naming_a_unit_that_ended_are_findings_with_the_successor(reformed):
    """From 01/07 the extracts name today's units; the rows that still name a unit not in
    force (a provincial unit whose successor is not known) are findings saying so."""
    findings = rows(reformed, "select extract_date, unit_code, successor_code, basis from marts.rpt_extract_rows_of_ended_units")
    unknown = {u for (u,) in rows(reformed, "select old_code from reference.unit_crosswalk_2025 where new_code is null")}
    assert findings and all(day >= dt.date(2025, 7, 1) for day, *_ in findings)     # in June every unit existed
    assert {u for _, u, _, _ in findings} <= unknown - {f"LRB-{d}" for d in range(688, 699)}
    assert all(s is None and b.startswith("no successor known for certain") for *_, s, b in findings)

def test_a_year_spanning_the_reform_says_it_is_reported_by_todays_units(reformed, tmp_path):
    from openpyxl import load_workbook

    from warehouse.excel_report import write_report

    book = load_workbook(write_report(reformed.published, "year_2025", tmp_path))
    assert book["PL4 Xử lý hồ sơ"]["A2"].value == ("Kỳ báo cáo: Năm 2025 (chưa đủ kỳ; số liệu đến ngày 10/07/2025; "
                                                   "theo đơn vị hành chính tại ngày 10/07/2025)")
