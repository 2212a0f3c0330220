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
from tthc.vn_format import number

START, END = dt.date(2025, 6, 20), dt.date(2025, 7, 10)


@pytest.fixture(scope="module")
def reformed(tmp_path_factory) -> Paths:
    paths = Paths(tmp_path_factory.mktemp("reform")).ensure()
    generate(paths.landing, START, END, seed=11, scale=0.04)
    _deliver_rows_naming_an_ended_commune(paths.landing)
    run(paths, dates_between(START, END), run_id="reform", echo=lambda *_: None)
    return paths


INJECTED_DAY = dt.date(2025, 7, 5)
INJECTED_DOSSIER = "25198-250705-99999"
# (day, dossier, its paid transaction): Phường Tân Đồng (25198) before and after it merged
# into Phường Bình Phước (25195) on 01/07/2025
INJECTED = ((dt.date(2025, 6, 25), "25198-250625-99998", "PAY-25198-99998"),
            (INJECTED_DAY, INJECTED_DOSSIER, "PAY-25198-99999"))


def _deliver_rows_naming_an_ended_commune(landing) -> None:
    """A June dossier of Phường Tân Đồng with its paid fee, and a July one as a portal not
    yet recoded would send it, naming the commune after it ended."""
    import csv

    for day, dossier, transaction in INJECTED:
        for source in ("dossiers", "payments"):
            path = landing / source / f"{source}_{day.isoformat()}.csv"
            with open(path, encoding="utf-8", newline="") as f:
                reader = csv.DictReader(f)
                template = next(r for r in reader if r["received_at"] >= f"{day:%Y-%m}-01") if source == "dossiers" \
                    else next(r for r in reader if r["status"] == "paid")
                header = reader.fieldnames
            row = {**template, "unit_code": "25198", "dossier_code": dossier}
            if source == "payments":
                row["transaction_id"] = transaction
            with open(path, "a", encoding="utf-8", newline="") as f:
                csv.DictWriter(f, fieldnames=header, lineterminator="\n").writerow(row)


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
    (counted,), = rows(reformed, "select sum(received_total) from intermediate.int_unit_period_counts "
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
            for name in ("Báo cáo KPI", "PL1 Dịch vụ công", "PL2 Hồ sơ trực tuyến", "PL4 Xử lý hồ sơ",
                         "PL5.1 Thanh toán đất đai", "PL5.2 Thanh toán phí")}
    for name, cells in text.items():
        assert "Tỉnh Bình Phước" not in cells and "cấp huyện" not in cells.lower() and "Các xã thuộc" not in cells, name
        assert "UBND huyện" not in cells and "Chi nhánh" not in cells, name
    assert "Tổng cộng (Tỉnh Đồng Nai)" in text["PL2 Hồ sơ trực tuyến"]
    assert "số liệu đến ngày 10/07/2025" in text["PL4 Xử lý hồ sơ"]
    # appendix 5: the parts of today's structure, numbered I and II, and the province's total
    fees = [row for row in book["PL5.2 Thanh toán phí"].iter_rows(values_only=True) if row[0] in ("I", "II", "III")]
    # (a part is printed when one of its units collected fees: here the communes, maybe the departments)
    labels = [label for _, label, *_ in fees]
    assert labels in (["Cấp xã"], ["Các sở, ban, ngành cấp tỉnh", "Cấp xã"])
    assert [stt for stt, *_ in fees] == ["I", "II"][:len(fees)]
    for sheet, kind in (("PL5.1 Thanh toán đất đai", "land_obligation"), ("PL5.2 Thanh toán phí", "fee")):
        last = [row for row in book[sheet].iter_rows(values_only=True) if row[1] == "Tổng cộng"]
        assert [tuple(last[0][2:4])] == rows(reformed, "select ytd_transactions, ytd_amount_vnd from marts.rpt_payments "
                                                      "where report_date = date '2025-07-10' and is_province and kind = ?", [kind])


def test_extract_rows_naming_a_unit_that_ended_are_findings_with_the_successor(reformed):
    """From 01/07 the extracts name today's units; a row that still names a unit not in force
    is a finding naming the unit, the day and the successor, or why there is none."""
    findings = rows(reformed, "select source, extract_date, unit_code, unit_last_day, successor_code, basis "
                              "from marts.rpt_extract_rows_of_ended_units")
    assert findings and all(day >= dt.date(2025, 7, 1) for _, day, *_ in findings)     # in June every unit existed
    merged = [f for f in findings if f[2] == "25198"]
    assert sorted(merged) == [
        ("dossiers", INJECTED_DAY, "25198", dt.date(2025, 6, 30), "25195", "vietnamadminunits 1.0.3, converter_2025.json"),
        ("payments", INJECTED_DAY, "25198", dt.date(2025, 6, 30), "25195", "vietnamadminunits 1.0.3, converter_2025.json")]
    # the generator keeps the code of a provincial unit whose successor is not known
    unknown = {u for (u,) in rows(reformed, "select old_code from reference.unit_crosswalk_2025 where new_code is null")}
    others = [f for f in findings if f[2] != "25198"]
    assert others and {u for _, _, u, *_ in others} <= unknown - {f"LRB-{d}" for d in range(688, 699)}
    assert all(s is None and b.startswith("no successor known for certain") for *_, s, b in others)


def test_a_dossier_of_a_merged_commune_counts_under_its_successor(reformed):
    """The July dossier that names Phường Tân Đồng is in Phường Bình Phước's figures (not
    listed outside the report), and so is its payment, month and year to date."""
    assert rows(reformed, "select unit_code from intermediate.int_dossier_versions "
                          "where valid_to is null and dossier_code = ?", [INJECTED_DOSSIER], warehouse=True) == [("25198",)]
    assert not rows(reformed, "select 1 from marts.rpt_dossiers_outside_the_report where unit_code = '25198'")
    (counted,), = rows(reformed, """select sum(received_total) from intermediate.int_unit_period_counts as s
        where s.period_id = 'month_2025_07' and s.unit_code in (
            select old_code from reference.unit_crosswalk_2025 where new_code = '25195')""", warehouse=True)
    assert rows(reformed, "select received_total from marts.fct_dossier_processing "
                          "where period_id = 'month_2025_07' and unit_code = '25195'") == [(counted,)]
    assert counted >= 1
    # payments: the injected one counts in Phường Bình Phước's month to date
    group = "select old_code from reference.unit_crosswalk_2025 where new_code = ?"
    (july,), = rows(reformed, f"""select sum(amount_vnd) from marts.fct_payment where status = 'paid'
        and paid_day between date '2025-07-01' and date '2025-07-10' and unit_code in ({group})""", ["25195"])
    (injected,), = rows(reformed, "select amount_vnd from marts.fct_payment where transaction_id = 'PAY-25198-99999'")
    assert july >= injected > 0
    assert rows(reformed, "select mtd_amount_vnd, section from marts.rpt_payments "
                          "where report_date = date '2025-07-10' and unit_code = '25195' and kind = 'all'") == [(july, "B")]


def test_a_year_to_date_across_the_reform_sums_the_predecessors(reformed):
    """Phường Bình Phước's year to date on 10/07/2025 holds the June payments of the communes
    it absorbed (Phường Tân Đồng's among them)."""
    group = "select old_code from reference.unit_crosswalk_2025 where new_code = '25195'"
    (june,), = rows(reformed, f"select sum(amount_vnd) from marts.fct_payment where status = 'paid' "
                              f"and paid_day < date '2025-07-01' and unit_code in ({group})")
    (expected,), = rows(reformed, f"select sum(amount_vnd) from marts.fct_payment where status = 'paid' "
                                  f"and paid_day <= date '2025-07-10' and unit_code in ({group})")
    assert expected > june > 0
    assert rows(reformed, "select ytd_amount_vnd from marts.rpt_payments where report_date = date '2025-07-10' "
                          "and unit_code = '25195' and kind = 'all'") == [(expected,)]
    # as it was: on 30/06 Phường Tân Đồng reported its own
    assert rows(reformed, "select count(*) from marts.rpt_payments where report_date = date '2025-06-30' "
                          "and unit_code = '25198' and kind = 'all'") == [(1,)]


def test_payments_name_the_province_of_their_day(reformed):
    province = dict(rows(reformed, "select report_date, unit_code from marts.rpt_payments where is_province and kind = 'all' "
                                   "and report_date in (date '2025-06-30', date '2025-07-01')"))
    assert province == {dt.date(2025, 6, 30): "70", dt.date(2025, 7, 1): "75"}
    (every,), = rows(reformed, "select sum(amount_vnd) from marts.fct_payment where status = 'paid' and paid_day <= date '2025-07-10'")
    assert rows(reformed, "select ytd_amount_vnd from marts.rpt_payments "
                          "where report_date = date '2025-07-10' and is_province and kind = 'all'") == [(every,)]
    july = {(s, u) for s, u in rows(reformed, "select section, unit_code from marts.rpt_payments "
                                              "where report_date = date '2025-07-10' and not is_province")}
    assert july and {s for s, _ in july} <= {"A", "B"}
    assert not any(u in {f"LRB-{d}" for d in range(688, 699)} or u.isdigit() and len(u) == 3 for _, u in july)


def test_a_communes_series_runs_across_the_reform_by_todays_unit(reformed):
    """By today's units, June sums the old communes that form Phường Bình Phước; as it was,
    June names them one by one and July names only the new ward."""
    by_today = dict(rows(reformed, "select period_id, total_dossiers from marts.fct_online_dossier_rate_by_current_unit "
                                   "where current_unit_code = '25195' and period_id in ('month_2025_06', 'month_2025_07')"))
    as_it_was = rows(reformed, """select period_id, sum(total_dossiers), count(*) from marts.fct_online_dossier_rate
        where scope = 'unit' and period_id in ('month_2025_06', 'month_2025_07') and unit_code in (
            select old_code from reference.unit_crosswalk_2025 where new_code = '25195') group by period_id""")
    assert {p: total for p, total, _ in as_it_was} == by_today
    assert dict((p, n) for p, _, n in as_it_was) == {"month_2025_06": 6, "month_2025_07": 1}


def test_a_year_spanning_the_reform_says_it_is_reported_by_todays_units(reformed, tmp_path):
    from openpyxl import load_workbook

    from warehouse.excel_report import write_report

    book = load_workbook(write_report(reformed.published, "year_2025", tmp_path))
    assert book["PL4 Xử lý hồ sơ"]["A2"].value == ("Kỳ báo cáo: Năm 2025 (chưa đủ kỳ; số liệu đến ngày 10/07/2025; "
                                                   "theo đơn vị hành chính tại ngày 10/07/2025)")


def test_the_demo_summary_of_a_period_after_the_reform_is_todays_province(reformed):
    from tthc.demo import DemoRange, kpi_summary

    span = DemoRange(START, END, "month_2025_07", END, "the month the range reaches")
    text = "\n".join(kpi_summary(reformed, span))
    assert text.startswith("Tỉnh Đồng Nai (75), Tháng 7/2025")
    assert "section A: 13 units, section B: 95 units" in text and "Tỉnh Bình Phước" not in text
    assert "target —: no target for the period" in text          # no official 2025 figure is known
    (every,), = rows(reformed, "select sum(amount_vnd) from marts.fct_payment where status = 'paid' and paid_day <= ?", [END])
    assert "payments to 10/07/2025 (year to date)" in text
    assert f"{number(every)} VND" in text


@pytest.mark.parametrize(("start", "end", "period"), [
    (dt.date(2025, 5, 1), dt.date(2025, 9, 30), "month_2025_09"),   # ends on a month's last day: that month
    (dt.date(2025, 5, 1), dt.date(2025, 9, 29), "month_2025_08"),   # else the month before
    (dt.date(2025, 9, 10), dt.date(2025, 9, 29), "month_2025_09"),  # unless the range starts in the same month
    (dt.date(2024, 12, 20), dt.date(2025, 1, 31), "month_2025_01"),
])
def test_a_demo_range_is_summarised_by_its_last_complete_month(start, end, period):
    from tthc.demo import demo_range

    span = demo_range(start, end)
    assert (span.summary_period, span.payments_day) == (period, end)


def test_a_demo_range_needs_both_ends_in_order(capsys):
    from tthc.cli import main

    with pytest.raises(SystemExit, match="give both --from and --to"):
        main(["demo", "--from", "2025-05-01"])
    with pytest.raises(SystemExit, match="--to 2025-05-01 is before --from 2025-09-30"):
        main(["demo", "--from", "2025-09-30", "--to", "2025-05-01"])


def test_the_docs_series_queries_read_across_the_reform(reformed):
    """docs/kpis.md's two series: as it was (70 to June, 75 after), and by today's units."""
    import re

    from tthc.config import REPO

    text = (REPO / "docs" / "kpis.md").read_text(encoding="utf-8")
    section = text[text.index("## Before and after the 2025 reform"):text.index("## By today's units")]
    as_it_was, by_today = re.findall(r"```sql\n(.*?)```", section, re.S)
    provinces = [(start.month, name) for start, name, *_ in rows(reformed, as_it_was)]
    assert provinces == [(6, "Tỉnh Bình Phước"), (7, "Tỉnh Đồng Nai")]
    series = rows(reformed, by_today)
    assert [(start.month, name, merged) for start, name, merged, *_ in series] == [
        (6, "Phường Bình Phước", 6), (7, "Phường Bình Phước", 1)]


def test_status_lists_the_rows_of_units_not_in_force(reformed):
    from warehouse.status import status_lines

    text = "\n".join(status_lines(reformed))
    assert "extract rows naming a unit not in force on their day" in text
    assert ("25198 Phường Tân Đồng (ended 30/06/2025): 2 dossiers, payments row(s) 05/07/2025 – 05/07/2025; "
            "counted under 25195 Phường Bình Phước") in text
    assert "in no unit's figures (no successor known for certain" in text
