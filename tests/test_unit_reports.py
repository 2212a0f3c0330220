"""Unit reports in Excel: read, resolved, checked, rejected with reasons, reconciled, loaded by Airflow."""

from __future__ import annotations

import copy
import zipfile

import duckdb
import openpyxl
import pytest

from expectations.unit_report_checks import check_report
from ingestion.unit_reports import ReportRejected, read_workbook
from tests.conftest import REFERENCE
from tests.workbooks import APPENDICES, build_workbook, reference_rows


def census_identity_rows() -> dict[int, int]:
    """line -> gap of the rows where received != resolved + pending, read from the census's
    table (a1) of seed 000 (shared/reference/CENSUS_000_004.md)."""
    text = (REFERENCE / "CENSUS_000_004.md").read_text(encoding="utf-8")
    table = text.split("**(a1)")[1].split("\n\n")[1]
    rows = {}
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[int(cells[0])] = int(cells[-1].replace("+", ""))
    return rows


@pytest.fixture(scope="module")
def appendices(tmp_path_factory):
    return read_workbook(build_workbook(tmp_path_factory.mktemp("wb") / "phu_luc.xlsx", APPENDICES))


@pytest.fixture(scope="module")
def checked(appendices, tmp_path_factory):
    gx = tmp_path_factory.mktemp("gx")
    return {t.layout.name: (t, check_report(gx, t)[1]) for t in appendices}


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True     # no entity expansion from a workbook's XML


def test_each_sheet_matches_its_layout_with_rows_periods_and_units(appendices):
    by = {t.layout.name: t for t in appendices}
    assert sorted(by) == ["appendix_1_services", "appendix_2_online_rate", "appendix_3_gris", "appendix_4_processing",
                          "appendix_5_payments_fees", "appendix_5_payments_land"]
    p4 = by["appendix_4_processing"]
    assert (str(p4.period_start), str(p4.period_end)) == ("2021-12-15", "2022-03-14")   # from "14/3//2022"
    kinds = [r.row_kind for r in p4.rows]
    assert (kinds.count("section"), kinds.count("detail"), kinds.count("total")) == (3, 43, 1)
    total = next(r for r in p4.rows if r.row_kind == "total")
    assert total.values["received_total"] == 290170 and total.printed["received_total"] == "290.170"
    assert all(not t.unresolved for t in appendices)
    rate = {r.unit_name: r.values["online_rate"] for r in by["appendix_2_online_rate"].rows}
    assert rate["Sở Tài chính"] is None                                   # "Không nhập"
    c9 = next(r for r in p4.rows if r.unit_name == "Huyện Bù Gi Mập")
    assert (c9.resolution.code, c9.resolution.scope) == ("691", "children")  # section C: the district's communes
    fees = by["appendix_5_payments_fees"]
    an_loc = next(r for r in fees.rows if r.unit_name == "UBND phường An Lộc")
    assert an_loc.resolution.code == "25324"                              # district from its section row


def test_the_census_lists_19_rows_and_the_total_off_by_31():
    rows = census_identity_rows()
    assert len(rows) == 19 and rows[576] == 31


def test_appendix_4_findings_are_exactly_the_census_rows(checked):
    table, findings = checked["appendix_4_processing"]
    excel_to_line = {}
    for row, ref in zip(table.rows, reference_rows("000_p4_processing")):
        excel_to_line[row.row_number] = int(ref["line_no"])
    got = {excel_to_line[f.row_number]: f.gap for f in findings}
    assert got == census_identity_rows()
    assert {f.check for f in findings} == {"received_is_resolved_plus_pending"}
    total = next(f for f in findings if f.unit_name == "TỔNG CỘNG")
    assert (total.found, total.expected, total.column, total.sheet) == ("290170", "290139", "C (received_total)", "p4_processing")


def test_a_broken_component_identity_in_appendix_4_is_caught(tmp_path):
    """The three component identities hold on every row of the real table; change one cell
    and the one it breaks is a finding on that row (beside the census's)."""
    p4 = copy.deepcopy(reference_rows("000_p4_processing"))
    row = next(r for r in p4 if r["unit_name_raw"] == "Sở Công thương")
    row["resolved_on_time"] = str(int(row["resolved_on_time"]) + 1)
    t = read_workbook(build_workbook(tmp_path / "w.xlsx", ["000_p4_processing"], {"000_p4_processing": p4}))[0]
    findings = check_report(tmp_path / "gx", t)[1]
    component = {(f.unit_name, f.check, f.expected, f.found) for f in findings if f.check.endswith("_is_its_parts")}
    assert component == {("Sở Công thương", "resolved_is_its_parts", "6572", "6571")}


def test_appendix_2_total_row_is_flagged_and_nothing_else(checked):
    _, findings = checked["appendix_2_online_rate"]
    assert {(f.unit_name, f.column, f.expected, f.found) for f in findings} == {
        ("Tổng cộng", "C (total_dossiers)", "142889", "143133"),
        ("Tổng cộng", "D (online_dossiers)", "30376", "30564"),
    }


def test_other_appendices_add_up(checked):
    for name in ("appendix_1_services", "appendix_5_payments_land", "appendix_5_payments_fees"):
        assert checked[name][1] == [], name


def test_a_wrong_printed_percentage_and_section_sum_are_caught(tmp_path):
    p2 = copy.deepcopy(reference_rows("000_p2_online_rate"))
    row = next(r for r in p2 if r["unit_name_raw"] == "UBND xã Lộc Thành")        # 50/80 = 62,5% -> 63% half-up
    row["online_rate_printed"] = "62%"
    p5 = copy.deepcopy(reference_rows("000_p5_payments_fees"))
    p5[1]["transactions"] = str(int(p5[1]["transactions"]) + 1)                     # Sở Y tế, under section I
    tables = read_workbook(build_workbook(tmp_path / "w.xlsx", ["000_p2_online_rate", "000_p5_payments_fees"],
                                          {"000_p2_online_rate": p2, "000_p5_payments_fees": p5}))
    found = {t.layout.name: check_report(tmp_path / "gx", t)[1] for t in tables}
    pct = [f for f in found["appendix_2_online_rate"] if f.check == "online_rate"]
    assert [(f.unit_name, f.expected, f.found) for f in pct] == [("UBND xã Lộc Thành", "63", "62")]
    sums = {(f.unit_name, f.check) for f in found["appendix_5_payments_fees"]}
    assert sums == {("Tại Trung tâm Phục vụ hành chính công tỉnh", "transactions"), ("Tổng", "transactions")}


def test_new_spellings_load_and_an_unknown_name_is_listed_with_candidates(tmp_path, monkeypatch):
    """A near miss with one candidate waits for the office to confirm it once; then it and
    every later workbook with that spelling resolve."""
    from ingestion.unit_names import confirm_alias
    from ingestion.unit_reports import ReportWaiting
    from tthc.config import paths

    monkeypatch.setenv("TTHC_HOME", str(tmp_path))
    p2 = copy.deepcopy(reference_rows("000_p2_online_rate"))
    names = {r["unit_name_raw"]: r for r in p2}
    names["UBND Xã Thanh Lương"]["unit_name_raw"] = "ubnd XA  thanh luong"
    names["Sở Nông nghiệp và PTNT"]["unit_name_raw"] = "Sở Nông nghiệp và Phát triển nông thôn"
    names["UBND xã Tân Hưng"]["unit_name_raw"] = "UBND xã Tân Hưnq"                # typo, Hớn Quản in context
    names["UBND Xã Phước Thiện"]["unit_name_raw"] = "UBND xã Phước Thiên Đường"     # no such commune
    path = build_workbook(tmp_path / "w.xlsx", ["000_p2_online_rate"], {"000_p2_online_rate": p2})
    with pytest.raises(ReportWaiting) as waiting:
        read_workbook(path)
    assert waiting.value.missing == [
        "sheet 'p2_online_rate' row 80: 'UBND xã Tân Hưnq' is close to 25345 Xã Tân Hưng (Huyện Hớn Quản); "
        'confirm with `tthc units alias add "UBND xã Tân Hưnq" 25345` (or give the right code)']
    confirm_alias(paths().confirmed_aliases, "UBND xã Tân Hưnq", "25345", "vp-ubnd")
    t = read_workbook(path)[0]
    by = {r.unit_name: r.resolution for r in t.rows if r.resolution}
    assert (by["UBND xã Tân Hưnq"].code, by["UBND xã Tân Hưnq"].how) == ("25345", "confirmed")
    assert by["ubnd XA  thanh luong"].code == "25333"
    assert by["Sở Nông nghiệp và Phát triển nông thôn"].code == "DEP-NNPTNT"
    assert by["UBND xã Tân Hưnq"].code == "25345"                        # not Đồng Phú's Tân Hưng (25375)
    assert [r.unit_name for r in t.unresolved] == ["UBND xã Phước Thiên Đường"]
    assert "Xã Phước Thiện" in t.unresolved[0].resolution.message      # its candidates, not a guess


def test_a_bad_cell_rejects_the_workbook_naming_file_sheet_row_and_column(tmp_path):
    p4 = copy.deepcopy(reference_rows("000_p4_processing"))
    p4[2]["resolved_total"] = "6.57l"                                     # a letter typed for a digit
    path = build_workbook(tmp_path / "sai.xlsx", ["000_p4_processing"], {"000_p4_processing": p4})
    with pytest.raises(ReportRejected) as err:
        read_workbook(path)
    assert [(i.sheet, i.row, i.column, i.value) for i in err.value.issues] == [("p4_processing", 9, "G (resolved_total)", "6.57l")]
    assert "sai.xlsx" in str(err.value) and "expected a whole number" in str(err.value)


def test_a_workbook_matching_no_layout_is_rejected_with_the_reason(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["STT", "Họ và tên", "Ngày sinh"])
    book.active.append([1, "Nguyễn Văn A", "01/01/1990"])
    book.save(tmp_path / "khac.xlsx")
    with pytest.raises(ReportRejected, match="no sheet matches a known report layout"):
        read_workbook(tmp_path / "khac.xlsx")


def test_a_zip_bomb_is_refused_before_parsing(tmp_path):
    bomb = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", "<a>" + " " * 50_000_000 + "</a>")
    with pytest.raises(ReportRejected, match="packed .*a zip bomb"):
        read_workbook(bomb)


def test_pipeline_loads_checks_and_reconciles_the_appendices(built):
    with duckdb.connect(str(built.published), read_only=True) as con:
        findings = con.execute("select count(*), sum(gap) filter (where unit_name = 'TỔNG CỘNG') "
                               "from audit.unit_report_findings where sheet = 'p4_processing'").fetchall()[0]
        assert findings == (19, 31)
        rec = con.execute("""select sum(received_reported), sum(received_portal), sum(received_gap), count(*)
                             from marts.fct_unit_report_reconciliation where sheet = 'p4_processing'""").fetchall()[0]
        portal_total = con.execute("""select received_total from marts.rpt_processing_report
                                      where period_id = 'campaign_2022_q1' and row_key = 'TOTAL'""").fetchall()[0][0]
    # appendix 4's 43 rows cover every unit once: the portal side must add up to the report mart's total
    assert rec == (290170, portal_total, 290170 - portal_total, 43)


def test_the_run_prints_each_reports_largest_gaps(built):
    from tthc.pipeline import reconciliation_lines
    from tthc.vn_format import number

    lines = reconciliation_lines(built)
    with duckdb.connect(str(built.warehouse), read_only=True) as con:
        top = con.execute("""select unit_name_printed, received_gap from marts.fct_unit_report_reconciliation
                             where sheet = 'p4_processing' order by received_gap_rank limit 5""").fetchall()
    at = next(i for i, line in enumerate(lines) if "p4_processing" in line)
    assert "units reported 290.170 received" in lines[at]
    assert [line.strip().split(" (")[0] for line in lines[at + 1:at + 6]] == [name for name, _ in top]
    assert all(f": {number(gap)} (" in line for line, (_, gap) in zip(lines[at + 1:at + 6], top))


def test_a_unit_report_loads_into_another_province_home_with_that_provinces_units(tmp_path, monkeypatch):
    """Appendix 2's layout, its rows given units of Hồ Chí Minh City (register 79): loaded by the
    pipeline into province 79's home, every name resolves to a unit of register 79, with the
    district of the table telling its wards apart; a unit of Đồng Nai's stays unresolved."""
    from tthc.config import paths
    from tthc.pipeline import ingest_unit_reports

    monkeypatch.setenv("TTHC_HOME", str(tmp_path))
    home = paths("79").ensure()
    template = reference_rows("000_p2_online_rate")[0]
    named = [("Sở Giáo dục và Đào tạo", ""), ("Sở Y tế", ""), ("Quận 1", "Quận 1"), ("Phường Bến Nghé", "Quận 1"),
             ("UBND Phường Bến Thành", "Quận 1"), ("Huyện Cần Giờ", "Huyện Cần Giờ"), ("Xã Thạnh An", "Huyện Cần Giờ"),
             ("Xã Tân Hưng", "Huyện Cần Giờ")]           # a commune of Đồng Phú (Đồng Nai), none of Cần Giờ
    rows = [template | {"stt": str(i), "unit_name_raw": name, "district_context": district, "total_dossiers": "10",
                        "online_dossiers": "5", "online_rate_pct": "50", "online_rate_printed": "50%"}
            for i, (name, district) in enumerate(named, start=1)]
    build_workbook(home.landing / "unit_reports" / "bao_cao_79.xlsx", ["000_p2_online_rate"], {"000_p2_online_rate": rows})

    (outcome,) = ingest_unit_reports(home, "r", echo=lambda *_: None)
    assert outcome.status == "loaded", outcome.lines()
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        resolved = dict(con.execute("select unit_name, unit_code from raw.unit_report_rows where row_kind = 'detail'").fetchall())
    assert resolved == {"Sở Giáo dục và Đào tạo": "P79-GDDT", "Sở Y tế": "P79-YT", "Quận 1": "760",
                        "Phường Bến Nghé": "26740", "UBND Phường Bến Thành": "26743", "Huyện Cần Giờ": "787",
                        "Xã Thạnh An": "27676", "Xã Tân Hưng": None}
