"""Unit reports as offices send them: other wordings of the same appendices, .xls as well as
.xlsx, the period from wherever the document states it (or from the office, the workbook
waiting until then), and the sending district as the context of bare commune names."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from ingestion.report_context import find_period, find_sender, parse_period
from ingestion.unit_report_loader import load_report
from ingestion.unit_reports import ReportRejected, ReportWaiting, read_workbook
from tests.workbooks import APPENDICES, build_workbook, reference_rows
from warehouse.database import ensure_schema


def as_read(tables) -> dict[str, list[tuple]]:
    return {t.layout.name: [(r.row_kind, r.unit_name, r.values, r.resolution.code if r.resolution else None)
                            for r in t.rows] for t in tables}


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wordings")
    return as_read(read_workbook(build_workbook(folder / "phu_luc.xlsx", APPENDICES)))


def test_every_layout_reads_the_same_in_another_units_wording(documents, tmp_path):
    """Other words, TN/TTi/DVBC, line breaks in merged headings, two columns swapped, and a
    "Ghi chú" column the layout lacks: the same rows, values and units as the document's."""
    tables = read_workbook(build_workbook(tmp_path / "cach_viet_khac.xlsx", APPENDICES, variant=1))
    assert as_read(tables) == documents
    assert not any(t.converted for t in tables)           # Unicode text is never taken for a legacy font
    by = {t.layout.name: t for t in tables}
    assert by["appendix_2_online_rate"].recognised() == "unit_name=B, total_dossiers=D, online_dossiers=C, online_rate=E"
    p4 = by["appendix_4_processing"]
    assert p4.recognised().endswith("pending_total=J, pending_not_due=K, pending_overdue=L")
    assert [p4.match.headings[j] for j in p4.match.ignored] == ["Ghi chú"]


def test_every_layout_reads_the_same_in_a_third_wording(documents, tmp_path):
    """"Địa phương", "Tỉ lệ", "Tồn kỳ trước" before the online column, "Giá trị (đồng)"."""
    tables = read_workbook(build_workbook(tmp_path / "cach_viet_thu_ba.xlsx", APPENDICES, variant=2))
    assert as_read(tables) == documents
    p4 = next(t for t in tables if t.layout.name == "appendix_4_processing")
    assert p4.recognised().startswith("unit_name=B, received_total=C, received_new_online=E, received_carried_over=D")


@pytest.mark.parametrize("variant", [0, 1, 2])
def test_an_xls_workbook_reads_as_the_xlsx(documents, tmp_path, variant):
    tables = read_workbook(build_workbook(tmp_path / "phu_luc.xls", APPENDICES, variant=variant))
    assert as_read(tables) == documents
    p4 = next(t for t in tables if t.layout.name == "appendix_4_processing")
    assert (p4.period_start, p4.period_end) == (dt.date(2021, 12, 15), dt.date(2022, 3, 14))


def test_a_sheet_lacking_a_column_names_the_closest_layout_and_what_it_lacks(tmp_path):
    rows = [{k: v for k, v in r.items()} for r in reference_rows("000_p2_online_rate")]
    path = build_workbook(tmp_path / "thieu_cot.xlsx", ["000_p2_online_rate"], {"000_p2_online_rate": rows})
    from openpyxl import load_workbook

    book = load_workbook(path)
    book.active.delete_cols(4)                       # "Hồ sơ xử lý trực tuyến"
    book.save(path)
    with pytest.raises(ReportRejected) as rejected:
        read_workbook(path)
    assert ("closest layout appendix_2_online_rate, which lacks online_dossiers "
            "(recognised: unit_name=B, total_dossiers=C, online_rate=D)") in str(rejected.value)


@pytest.mark.parametrize(("text", "period"), [
    ("Ghi chú: Số liệu thống kê từ ngày 15/12/2021 đến ngày 14/3//2022.", ("2021-12-15", "2022-03-14")),
    ("Số liệu thống kê đến từ ngày 15/12/2021 đến ngày 14/3/2022.", ("2021-12-15", "2022-03-14")),
    ("Số liệu thống kê đến ngày 15/5/2022.", (None, "2022-05-15")),
    ("BÁO CÁO Quý I/2022", ("2022-01-01", "2022-03-31")),
    ("Kết quả quý 3 năm 2025", ("2025-07-01", "2025-09-30")),
    ("Tình hình 6 tháng đầu năm 2024", ("2024-01-01", "2024-06-30")),
    ("9 tháng đầu năm 2023", ("2023-01-01", "2023-09-30")),
    ("Số liệu tháng 3/2024", ("2024-03-01", "2024-03-31")),
    ("Kết quả thực hiện năm 2024", ("2024-01-01", "2024-12-31")),
    # the date of the plan a title cites is not a period; an impossible date is none
    ("(Kèm theo Kế hoạch số 170 /KH-UBND ngày 01 tháng 6 năm 2022 của UBND tỉnh)", None),
    ("Số liệu đến ngày 31/2/2022", None),
])
def test_the_period_is_read_wherever_the_document_states_it(text, period):
    found = find_period(text)
    assert (None if found is None else tuple(d and d.isoformat() for d in found)) == period


def test_periods_the_office_gives_and_bad_ones_are_refused():
    assert parse_period("2022Q1") == (dt.date(2022, 1, 1), dt.date(2022, 3, 31))
    assert parse_period("2024H1") == (dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    assert parse_period("2024-03") == (dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    assert parse_period("2021-12-15..2022-03-14") == (dt.date(2021, 12, 15), dt.date(2022, 3, 14))
    with pytest.raises(ValueError, match="write 2022Q1"):
        parse_period("quý 1")


def test_the_sender_is_read_from_the_title_or_the_signature():
    assert find_sender("BÁO CÁO của UBND huyện Bù Đăng về tình hình xử lý hồ sơ") == "UBND huyện Bù Đăng"
    assert find_sender("TM. ỦY BAN NHÂN DÂN HUYỆN BÙ ĐĂNG KT. CHỦ TỊCH") == "UBND Huyện Bù Đăng"
    assert find_sender("ỦY BAN NHÂN DÂN HUYỆN ĐỒNG PHÚ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == "UBND Huyện Đồng Phú"
    assert find_sender("(Kèm theo Kế hoạch số 170 của Ủy ban nhân dân tỉnh)") is None


def test_bare_commune_names_resolve_inside_the_sending_district(tmp_path):
    """Bù Đốp's communes from appendix 2, without the district's own row: "Xã Tân Thành" is a
    commune of Bù Đốp and of Đồng Xoài, so only the sender tells which."""
    rows = [r for r in reference_rows("000_p2_online_rate")
            if r["district_context"] == "Huyện Bù Đốp" and r["unit_name_raw"] != "Huyện Bù Đốp"
            and not r["unit_name_raw"].startswith("CN")]
    assert any(r["unit_name_raw"].endswith("Tân Thành") for r in rows)
    for title, code in ((["BÁO CÁO CỦA UBND HUYỆN BÙ ĐỐP", "Tỷ lệ hồ sơ xử lý trực tuyến"], "693"),
                        (["BÁO CÁO", "Tỷ lệ hồ sơ xử lý trực tuyến"], None)):
        path = build_workbook(tmp_path / f"bu_dop_{code}.xlsx", ["000_p2_online_rate"], {"000_p2_online_rate": rows},
                              title=title)
        (table,) = read_workbook(path)
        tan_thanh = next(r for r in table.rows if r.unit_name.endswith("Tân Thành"))
        if code:
            assert table.sender.code == "693" and tan_thanh.resolution.code == "25318"
            assert all(r.resolution.status == "resolved" for r in table.rows)
        else:
            assert table.sender is None and tan_thanh.resolution.status == "ambiguous"


def test_a_workbook_without_a_period_waits_and_loads_once_it_is_given(tmp_path):
    """Nothing in the sheet says the period: the workbook is recorded as waiting, with what
    is missing and how to give it; once the sidecar file gives it, the same workbook loads."""
    landing = tmp_path / "landing" / "unit_reports"
    path = build_workbook(landing / "khong_ky.xlsx", ["000_p4_processing"], note=None)
    with pytest.raises(ReportWaiting, match="tthc unit-report add khong_ky.xlsx --period"):
        read_workbook(path)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_schema(con)
    waiting = load_report(con, path, "r1", tmp_path / "quarantine", tmp_path / "gx")
    assert waiting.status == "waiting" and "no report period" in waiting.lines()[0]
    assert not (tmp_path / "quarantine").exists()                      # held, not rejected
    assert load_report(con, path, "r2", tmp_path / "quarantine", tmp_path / "gx").status == "skipped"

    (landing / "khong_ky.xlsx.yaml").write_text("period: 2021-12-15..2022-03-14\nunit: UBND huyện Bù Đăng\n", encoding="utf-8")
    loaded = load_report(con, path, "r3", tmp_path / "quarantine", tmp_path / "gx")
    assert loaded.status == "loaded" and loaded.findings > 0
    (table,) = loaded.tables
    assert (table.period_start, table.period_end, table.period_from) == (dt.date(2021, 12, 15), dt.date(2022, 3, 14), "given")
    assert con.execute("select status from raw.unit_report_files order by received_at").fetchall() == [("superseded",), ("loaded",)]


def test_the_office_gives_the_period_with_the_command_and_status_lists_the_queue(tmp_path, monkeypatch):
    """`tthc unit-report add FILE --period …` lands the workbook with its sidecar; until
    then `tthc status` lists it as waiting, with what is missing."""
    from tthc.cli import main
    from tthc.config import Paths
    from tthc.pipeline import ingest_unit_reports
    from warehouse.status import status_lines

    monkeypatch.setenv("TTHC_HOME", str(tmp_path))
    monkeypatch.delenv("TTHC_LANDING", raising=False)
    paths = Paths(tmp_path).ensure()
    sent = build_workbook(tmp_path / "inbox" / "bao_cao_quy.xlsx", ["000_p4_processing"], note=None)
    assert main(["unit-report", "add", str(sent)]) == 0
    assert [o.status for o in ingest_unit_reports(paths, "r1", echo=lambda *_: None)] == ["waiting"]
    status = "\n".join(status_lines(paths))
    assert "unit reports waiting for the office: 1" in status and "bao_cao_quy.xlsx" in status
    with pytest.raises(SystemExit, match="write 2022Q1"):
        main(["unit-report", "add", str(sent), "--period", "quý một"])
    assert main(["unit-report", "add", str(sent), "--period", "2022Q1"]) == 0
    (loaded,) = ingest_unit_reports(paths, "r2", echo=lambda *_: None)
    assert loaded.status == "loaded" and loaded.tables[0].period_end == dt.date(2022, 3, 31)
    assert "waiting for the office" not in "\n".join(status_lines(paths))


def test_a_report_of_the_former_dong_nai_resolves_among_its_own_units(tmp_path):
    """Before 01/07/2025 Biên Hòa was in another province than the platform's: its city's
    report names its wards, which resolve there (and not among Bình Phước's)."""
    rows = [{"row_kind": "detail", "stt": str(i), "unit_name_raw": name, "total_dossiers": "100",
             "online_dossiers": "50", "online_rate_printed": "50%"}
            for i, name in enumerate(["UBND phường Trảng Dài", "UBND phường Tân Phong", "UBND phường Hố Nai"], start=1)]
    path = build_workbook(tmp_path / "bien_hoa.xlsx", ["000_p2_online_rate"], {"000_p2_online_rate": rows},
                          title=["ỦY BAN NHÂN DÂN THÀNH PHỐ BIÊN HÒA", "TỶ LỆ HỒ SƠ XỬ LÝ TRỰC TUYẾN"],
                          note="Số liệu thống kê từ ngày 01/01/2024 đến ngày 31/3/2024.")
    (table,) = read_workbook(path)
    assert (table.sender.code, table.province) == ("731", "75")
    assert [r.resolution.code for r in table.rows] == ["25993", "25996", "26002"]


def test_a_confirmed_name_lets_the_waiting_workbook_load_without_delivering_it_again(tmp_path, monkeypatch):
    """The run holds the workbook with its near-miss name; `tthc units alias add` keeps the
    office's answer (who, when) and the next run loads the same file."""
    import csv

    from tthc.cli import main
    from tthc.config import Paths
    from tthc.pipeline import ingest_unit_reports
    from warehouse.status import status_lines

    monkeypatch.setenv("TTHC_HOME", str(tmp_path))
    monkeypatch.delenv("TTHC_LANDING", raising=False)
    paths = Paths(tmp_path).ensure()
    rows = [dict(r) for r in reference_rows("000_p2_online_rate")]
    next(r for r in rows if r["unit_name_raw"] == "UBND Xã Thanh Lương")["unit_name_raw"] = "UBND xã Thanh Lươnq"
    build_workbook(paths.landing / "unit_reports" / "pl2.xlsx", ["000_p2_online_rate"], {"000_p2_online_rate": rows})
    (held,) = ingest_unit_reports(paths, "r1", echo=lambda *_: None)
    assert held.status == "waiting" and "'UBND xã Thanh Lươnq' is close to 25333" in held.reason
    assert ingest_unit_reports(paths, "r2", echo=lambda *_: None) == []          # still waiting, said once
    assert "tthc units alias add" in "\n".join(status_lines(paths))
    with pytest.raises(SystemExit, match="not a unit code"):
        main(["units", "alias", "add", "UBND xã Thanh Lươnq", "99999"])
    assert main(["units", "alias", "add", "UBND xã Thanh Lươnq", "25333", "--by", "vp-ubnd"]) == 0
    with open(paths.confirmed_aliases, encoding="utf-8") as f:
        (kept,) = list(csv.DictReader(f))
    assert (kept["alias"], kept["unit_code"], kept["confirmed_by"]) == ("UBND xã Thanh Lươnq", "25333", "vp-ubnd")
    (loaded,) = ingest_unit_reports(paths, "r3", echo=lambda *_: None)
    assert loaded.status == "loaded"
    row = next(r for r in loaded.tables[0].rows if r.unit_name == "UBND xã Thanh Lươnq")
    assert (row.resolution.code, row.resolution.how) == ("25333", "confirmed")
    assert "waiting for the office" not in "\n".join(status_lines(paths))


def to_tcvn3(text: str) -> str:
    """As a TCVN3 font stores text (upper-case toned letters typed in the upper-case font)."""
    from ingestion.legacy_text import TCVN3

    back = {v: k for k, v in TCVN3.items()}
    return "".join(back.get(ch) or back.get(ch.lower()) or ch for ch in text)


def to_vni(text: str) -> str:
    """As a VNI font stores text: the base letter, then the byte of its marks."""
    import unicodedata

    from ingestion.legacy_text import VNI_LETTERS, _VNI_MARKS

    letters, marks = {v: k for k, v in VNI_LETTERS.items()}, {v: k for k, v in _VNI_MARKS.items()}
    out = []
    for ch in text:
        if ch in letters:
            out.append(letters[ch])
            continue
        base, *combining = unicodedata.normalize("NFD", ch)
        horn = "\u031b" in combining
        # the shape (circumflex, breve) before the tone, as the mark bytes name them
        rest = "".join(sorted((c for c in combining if c != "\u031b"), key=lambda c: c not in "\u0302\u0306"))
        if horn:          # ơ, ư are letters of their own, with the tone after them
            base = letters["ơ" if base.lower() == "o" else "ư"]
            base = base.upper() if ch.isupper() else base
        mark = marks.get(rest, "")
        out.append(base + (mark.upper() if ch.isupper() else mark))
    return "".join(out)


@pytest.mark.parametrize(("encode", "encoding"), [(to_tcvn3, "TCVN3"), (to_vni, "VNI")])
def test_text_typed_in_a_legacy_font_encoding_is_decoded_and_each_cell_named(documents, tmp_path, encode, encoding):
    """Appendix 2 and 4 typed in TCVN3 or VNI fonts (headings and unit names): the same rows
    as the document's, and every converted cell listed."""
    from ingestion.unit_report_loader import load_report

    from openpyxl import load_workbook

    path = build_workbook(tmp_path / "phong_cu.xlsx", ["000_p2_online_rate", "000_p4_processing"])
    book = load_workbook(path)                      # headings and unit names, as typed in the old font
    for ws in book:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and not c.value.startswith(("Ghi chú", "Số liệu")):
                    c.value = encode(c.value)
    book.save(path)
    assert encode("Tổng số hồ sơ") != "Tổng số hồ sơ"
    tables = read_workbook(path)
    read = as_read(tables)
    assert read == {k: v for k, v in documents.items() if k in read} and len(read) == 2
    p2 = next(t for t in tables if t.layout.name == "appendix_2_online_rate")
    assert {c.encoding for c in p2.converted} == {encoding}
    converted = {(c.row, c.column): c.text for c in p2.converted}
    assert converted[(5, 3)] == "Tổng số hồ sơ" and len(converted) > len(p2.rows)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_schema(con)
    load_report(con, path, "r", tmp_path / "q", tmp_path / "gx")
    (decoded,) = con.execute("select count(*) from audit.unit_report_findings where check_name = ?",
                             [f"decoded_from_{encoding.lower()}"]).fetchone()
    assert decoded == sum(len(t.converted) for t in tables)


def test_a_cell_that_decodes_in_no_legacy_encoding_holds_the_workbook(tmp_path):
    rows = [dict(r) for r in reference_rows("000_p2_online_rate")]
    rows[3]["unit_name_raw"] = "¤Ð×øùþ¬ ßÞ"
    path = build_workbook(tmp_path / "hong.xlsx", ["000_p2_online_rate"], {"000_p2_online_rate": rows})
    with pytest.raises(ReportWaiting, match=r"cell B10: '¤Ð×øùþ¬ ßÞ' is in a legacy font encoding"):
        read_workbook(path)


@pytest.mark.parametrize(("stored", "text", "encoding"), [
    ("Tæng sè hå s¬", "Tổng số hồ sơ", "TCVN3"),
    ("§ång Xoµi", "Đồng Xoài", "TCVN3"),
    ("Uû ban nh©n d©n", "Uỷ ban nhân dân", "TCVN3"),
    ("Sè míi tiÕp nhËn", "Số mới tiếp nhận", "TCVN3"),
    ("Tr\xadêng", "Trường", "TCVN3"),
    ("TæNG CéNG", "TỔNG CỘNG", "TCVN3"),
    ("Toång soá hoà sô", "Tổng số hồ sơ", "VNI"),
    ("Ñoàng Xoaøi", "Đồng Xoài", "VNI"),
    ("Teân ñôn vò", "Tên đơn vị", "VNI"),
    ("UÛY BAN NHAÂN DAÂN", "ỦY BAN NHÂN DÂN", "VNI"),
])
def test_legacy_font_text_as_offices_typed_it_decodes(stored, text, encoding):
    from ingestion.legacy_text import DECODERS, legacy, sheet_encoding

    assert legacy(stored) and sheet_encoding([stored]) == encoding and DECODERS[encoding](stored) == text


def _with_inserted_column(path, heading, values, at=3):
    """Appendix 2 with a column inserted before column ``at`` (0-based): ``heading`` over it,
    ``values`` (one per data row, or a function of the row's cells) under it."""
    from openpyxl import Workbook

    from tests.workbooks import sheet_cells

    cells, ranges, _ = sheet_cells("000_p2_online_rate")
    header = next(i for i, r in enumerate(cells) if r and r[0] == "STT")
    for i, row in enumerate(cells):
        if i < header:
            continue
        if i == header:
            extra = heading
        elif i == header + 1:
            extra = "(6)"
        elif len(row) > 2:
            extra = values(row)
        else:
            continue
        row.insert(at, extra)
    book = Workbook()
    for line in cells:
        book.active.append(line)
    for merge in ranges:
        book.active.merge_cells(merge)
    book.save(path)
    return path


def test_an_inserted_column_shifts_nothing_and_is_named(documents, tmp_path):
    path = _with_inserted_column(tmp_path / "them_cot.xlsx", "Số lượt tra cứu", lambda row: 7)
    [table] = read_workbook(path)
    assert as_read([table])["appendix_2_online_rate"] == documents["appendix_2_online_rate"]
    assert [table.match.headings[j] for j in table.match.ignored] == ["Số lượt tra cứu"]


def test_a_column_inserted_with_the_heading_of_another_is_refused(tmp_path):
    """A copy of the rate's heading over the counts: which column is the rate is not guessed."""
    path = _with_inserted_column(tmp_path / "cot_trung.xlsx", "Tỷ lệ (%) xử lý trực tuyến", lambda row: row[2])
    with pytest.raises(ReportRejected) as refused:
        read_workbook(path)
    [issue] = refused.value.issues
    assert issue.column == "D, F" and "2 columns have the heading of online_rate" in issue.problem
