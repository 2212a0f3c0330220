"""Reading files against their contract, loading them idempotently, quarantining bad ones."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from ingestion.contracts import load_contract
from ingestion.loader import decide, extract_date_of, load_file
from ingestion.reader import stage_file
from tests.conftest import START, rows_of, write_rows
from warehouse.database import connect

DAY = START + dt.timedelta(days=3)


def extract(landing: Path, day: dt.date = DAY) -> Path:
    return landing / "dossiers" / f"dossiers_{day.isoformat()}.csv"


def staged(path: Path):
    con = duckdb.connect()
    result = stage_file(con, path, load_contract("dossiers"))
    typed = con.execute(result.select_typed).df() if not result.issues else None
    return result, typed


def test_generated_extract_satisfies_its_contract(landing):
    result, typed = staged(extract(landing))
    assert result.issues == []
    assert len(typed) == len(rows_of(extract(landing))) > 0
    assert str(typed["received_at"].dtype).startswith("datetime64")
    assert set(typed["channel"].dropna()) <= {1, 2, 3}


def test_bom_portal_headers_and_xlsx_read_the_same(landing, tmp_path):
    rows = rows_of(extract(landing))
    portal_names = {"dossier_code": "MaHoSo", "status": "TrangThaiHoSoId", "received_at": "NgayTiepNhan", "unit_code": "MaDonVi"}
    with_bom = write_rows(tmp_path / "dossiers_2021-12-18.csv", rows, bom=True, rename=portal_names)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(rows[0]))
    for r in rows:
        sheet.append([int(v) if k in {"channel", "status"} and v else (dt.datetime.fromisoformat(v) if k.endswith("_at") and v else (v or None)) for k, v in r.items()])
    xlsx = tmp_path / "dossiers_2021-12-18.xlsx"
    workbook.save(xlsx)

    _, plain = staged(extract(landing))
    for path in (with_bom, xlsx):
        result, typed = staged(path)
        assert result.issues == [], path
        assert typed.equals(plain), path


def test_missing_column_is_named(landing, tmp_path):
    rows = [{k: v for k, v in r.items() if k != "channel"} for r in rows_of(extract(landing))]
    result, _ = staged(write_rows(tmp_path / "dossiers_2021-12-18.csv", rows))
    assert [(i.column, i.row_number) for i in result.issues] == [("channel", None)]
    assert "required column is missing" in result.issues[0].describe()


def test_bad_values_are_named_by_row_column_and_value(landing, tmp_path):
    rows = rows_of(extract(landing))
    rows[4]["received_at"] = "31/02/2022 25:00"
    rows[9]["channel"] = "online"
    rows[11]["dossier_code"] = ""
    result, _ = staged(write_rows(tmp_path / "dossiers_2021-12-18.csv", rows))
    found = {(i.row_number, i.column, i.value) for i in result.issues}
    assert found == {(5, "received_at", "31/02/2022 25:00"), (10, "channel", "online"), (12, "dossier_code", None)}
    assert "row 5 (line 6), column received_at" in next(i for i in result.issues if i.row_number == 5).describe()


def load(con, path: Path, tmp_path: Path):
    outcome = load_file(con, path, "dossiers", "test-run", tmp_path / "quarantine")
    if outcome.status == "pending":
        decide(con, outcome.load_id, [])
    return outcome


def test_same_file_twice_loads_once_and_a_correction_replaces_the_day(landing, tmp_path):
    with connect(tmp_path / "w.duckdb") as con:
        path = extract(landing)
        first = load(con, path, tmp_path)
        assert first.status == "pending" and first.rows > 0
        assert load(con, path, tmp_path).status == "skipped"
        assert con.execute("select count(*) from raw.dossiers").fetchone()[0] == first.rows

        corrected = tmp_path / "again" / path.name
        rows = rows_of(path)
        write_rows(corrected, rows[:-2])
        second = load(con, corrected, tmp_path)
        assert second.status == "pending"
        current = con.execute(
            "select load_id, row_count from raw.load_manifest where status = 'current' and extract_date = ?", [DAY]
        ).fetchall()
        assert current == [(second.load_id, len(rows) - 2)]
        statuses = dict(con.execute("select load_id, status from raw.load_manifest").fetchall())
        assert statuses[first.load_id] == "superseded"
        # every delivery is kept; only the current one counts downstream
        assert con.execute("select count(*) from raw.dossiers").fetchone()[0] == first.rows + len(rows) - 2


def test_bad_file_goes_to_quarantine_with_a_readable_report(landing, tmp_path):
    rows = rows_of(extract(landing))
    rows[2]["due_at"] = "not a date"
    bad = write_rows(tmp_path / "in" / "dossiers_2021-12-20.csv", rows)
    with connect(tmp_path / "w.duckdb") as con:
        outcome = load(con, bad, tmp_path)
        assert outcome.status == "quarantined"
        assert con.execute("select count(*) from raw.dossiers").fetchone()[0] == 0
        assert con.execute("select row_number, column_name, value from raw.quarantine_issues").fetchall() == [(3, "due_at", "not a date")]
    report = (tmp_path / "quarantine" / "dossiers" / f"{outcome.load_id}.report.txt").read_text(encoding="utf-8")
    assert str(bad) in report and "row 3 (line 4), column due_at" in report and "'not a date'" in report
    assert (tmp_path / "quarantine" / "dossiers" / f"{outcome.load_id}.csv").read_bytes() == bad.read_bytes()


@pytest.mark.parametrize("name", ["dossiers-2021-12-20.csv", "dossiers_2021-13-40.csv", "dossiers_2021-12-20.txt"])
def test_badly_named_file_is_quarantined_not_ignored(landing, tmp_path, name):
    path = tmp_path / "in" / name
    path.parent.mkdir(parents=True)
    path.write_bytes(extract(landing).read_bytes())
    with connect(tmp_path / "w.duckdb") as con:
        outcome = load(con, path, tmp_path)
    assert outcome.status == "quarantined"
    assert "file name does not follow the contract" in outcome.issues[0].problem


def test_two_files_for_one_day_are_both_quarantined_and_named(landing, tmp_path, monkeypatch):
    from tthc.config import Paths
    from tthc.pipeline import ingest

    home = Paths(tmp_path).ensure()
    folder = home.landing / "dossiers"
    folder.mkdir(parents=True)
    (folder / f"dossiers_{DAY}.csv").write_bytes(extract(landing).read_bytes())
    (folder / f"dossiers_{DAY}.xlsx").write_bytes(b"not really a workbook")
    outcomes = {o.path.name: o for o in ingest(home, {DAY}, "test-run")}
    assert {name: o.status for name, o in outcomes.items()} == {f"dossiers_{DAY}.csv": "quarantined", f"dossiers_{DAY}.xlsx": "quarantined"}
    assert f"dossiers_{DAY}.xlsx" in outcomes[f"dossiers_{DAY}.csv"].issues[0].problem


def test_the_names_an_extract_may_arrive_under_are_the_ones_the_loader_accepts(tmp_path):
    """The DAG's sensor waits for exactly these names; each must pass the loader's naming rule."""
    from ingestion.loader import expected_files

    names = expected_files(tmp_path, "dossiers", DAY)
    assert [p.name for p in names] == [f"dossiers_{DAY}.csv", f"dossiers_{DAY}.xlsx"]
    assert all(extract_date_of(p) == DAY for p in names)


def test_an_xlsx_extract_that_is_not_a_workbook_or_a_zip_bomb_is_quarantined_not_fatal(landing, tmp_path):
    """A text file, an encrypted workbook (not a zip) and a zip bomb named .xlsx: each is
    quarantined with the reason, before any parsing; the run would go on."""
    import zipfile

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "dossiers_2021-12-20.xlsx").write_text("dossier_code,unit_code\n", encoding="utf-8")
    (folder / "dossiers_2021-12-21.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)  # OLE: encrypted
    with zipfile.ZipFile(folder / "dossiers_2021-12-22.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", "<a>" + " " * 30_000_000 + "</a>")
    with connect(tmp_path / "w.duckdb") as con:
        outcomes = [load(con, p, tmp_path) for p in sorted(folder.iterdir())]
    assert [o.status for o in outcomes] == ["quarantined"] * 3
    problems = [o.issues[0].problem for o in outcomes]
    assert "not a zip archive" in problems[0] and "not a zip archive" in problems[1]
    assert "a zip bomb?" in problems[2]


def test_a_symlink_in_the_landing_folder_is_quarantined_and_not_followed(landing, tmp_path):
    from ingestion.loader import landed_files

    secret = tmp_path / "elsewhere.csv"
    secret.write_bytes(extract(landing).read_bytes())
    folder = tmp_path / "landing" / "dossiers"
    folder.mkdir(parents=True)
    (folder / "dossiers_2021-12-20.csv").symlink_to(secret)
    (path,) = landed_files(tmp_path / "landing", "dossiers")
    with connect(tmp_path / "w.duckdb") as con:
        outcome = load(con, path, tmp_path)
        assert con.execute("select count(*) from raw.dossiers").fetchone()[0] == 0
    assert outcome.status == "quarantined" and "symbolic link" in outcome.issues[0].problem
    assert not list((tmp_path / "quarantine" / "dossiers").glob("*.csv"))      # the target is not copied


def test_a_unit_report_figure_too_large_for_any_report_is_a_named_cell_issue(tmp_path):
    from ingestion.unit_reports import ReportRejected, read_workbook
    from tests.workbooks import build_workbook, reference_rows

    rows = [dict(r) for r in reference_rows("000_p2_online_rate")]
    rows[0]["total_dossiers"] = "9" * 40
    path = build_workbook(tmp_path / "lon.xlsx", ["000_p2_online_rate"], {"000_p2_online_rate": rows})
    with pytest.raises(ReportRejected) as rejected:
        read_workbook(path)
    (issue,) = rejected.value.issues
    assert (issue.row, issue.column) == (7, "C (total_dossiers)") and "40 digits" in issue.problem


def test_a_row_whose_unit_is_not_in_the_register_quarantines_its_file_naming_the_row(landing, tmp_path):
    """Before this check the build failed on a relationship test naming neither file nor row."""
    from tthc.config import Paths
    from tthc.pipeline import validate_loads

    paths = Paths(tmp_path / "home").ensure()
    rows = rows_of(extract(landing))
    rows[4]["unit_code"] = "99999"
    bad = write_rows(paths.landing / "dossiers" / f"dossiers_{DAY.isoformat()}.csv", rows)
    good = write_rows(paths.landing / "dossiers" / f"dossiers_{(DAY + dt.timedelta(days=1)).isoformat()}.csv",
                      rows_of(extract(landing, DAY + dt.timedelta(days=1))))
    with connect(paths.warehouse) as con:
        for path in (bad, good):
            assert load_file(con, path, "dossiers", "r", paths.quarantine).status == "pending"
    quarantined = validate_loads(paths, "r", echo=lambda *_: None)
    (issues,) = quarantined.values()
    assert [(i.row_number, i.column) for i in issues] == [(5, "unit_code")] and "register" in issues[0].problem
    with connect(paths.warehouse, read_only=True) as con:
        assert dict(con.execute("select file_name, status from raw.load_manifest").fetchall()) == {
            bad.name: "quarantined", good.name: "current"}


def test_a_failing_check_on_personal_data_keeps_the_value_out_of_the_published_audit(landing, tmp_path):
    """An applicant's name with a control character quarantines its file, row and column named
    in raw.quarantine_issues (not published); audit.validation_results, which BI reads in the
    published copy, names the row but not the name."""
    from tthc.config import Paths
    from tthc.pipeline import validate_loads
    from warehouse.publish import PUBLISHED_SCHEMAS

    paths = Paths(tmp_path / "home").ensure()
    rows = rows_of(extract(landing))
    secret = "Nguyễn Thị\x07 Bí Mật"
    rows[2]["applicant_name"] = secret
    path = write_rows(paths.landing / "dossiers" / f"dossiers_{DAY.isoformat()}.csv", rows)
    with connect(paths.warehouse) as con:
        assert load_file(con, path, "dossiers", "r", paths.quarantine).status == "pending"
    (issues,) = validate_loads(paths, "r", echo=lambda *_: None).values()
    assert [(i.row_number, i.column, i.value) for i in issues] == [(3, "applicant_name", secret)]
    assert "audit" in PUBLISHED_SCHEMAS
    with connect(paths.warehouse, read_only=True) as con:
        (details,) = con.execute("select details from audit.validation_results "
                                 "where expectation = 'applicant_name_no_control_characters'").fetchone()
    assert '"_row_number": 3' in details and "Bí Mật" not in details and "applicant_name\":" not in details


def extract_workbook(rows: list[dict], path: Path, header: list[str] | None = None) -> Workbook:
    book = Workbook()
    book.active.append(header or list(rows[0]))
    for r in rows:
        book.active.append([v or None for v in r.values()])
    return book


def test_merged_header_cells_in_an_xlsx_extract_are_refused_naming_them(landing, tmp_path):
    rows = rows_of(extract(landing))
    book = extract_workbook(rows, tmp_path)
    columns = list(rows[0])
    first = columns.index("received_at") + 1
    book.active.merge_cells(start_row=1, start_column=first, end_row=1, end_column=first + 1)
    book.save(path := tmp_path / "dossiers_2021-12-18.xlsx")
    result, _ = staged(path)
    [issue] = result.issues
    assert "header cells" in issue.problem and "are merged" in issue.problem
    assert issue.column == f"{chr(64 + first)}1:{chr(65 + first)}1"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_header_given_twice_or_values_under_no_header_are_refused(landing, tmp_path, suffix):
    rows = rows_of(extract(landing))
    columns = list(rows[0])
    twice = [c if c != "due_at" else "received_at" for c in columns]            # due_at's header says received_at
    blank = [c if c != "channel" else "" for c in columns]
    for header, expected in ((twice, f"header 'received_at' is given twice (columns {columns.index('received_at') + 1} "
                                     f"and {columns.index('due_at') + 1})"),
                             (blank, f"column {columns.index('channel') + 1} has {len(rows)} value(s) but no header")):
        path = tmp_path / header[0] / f"dossiers_2021-12-18{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".csv":
            write_rows(path, [dict(zip(range(len(header)), r.values())) for r in rows], rename=dict(enumerate(header)))
        else:
            extract_workbook(rows, path, header).save(path)
        result, _ = staged(path)
        assert any(i.problem.startswith(expected) for i in result.issues), (header, [i.problem for i in result.issues])


def test_unknown_headers_are_named_in_the_run_output(landing, tmp_path):
    from tthc.pipeline import RunSummary

    rows = [{**r, "GhiChu": "x"} for r in rows_of(extract(landing))]
    path = write_rows(tmp_path / "in" / "dossiers_2021-12-18.csv", rows)
    with connect(tmp_path / "w.duckdb") as con:
        outcome = load(con, path, tmp_path)
    assert outcome.status == "pending"
    assert RunSummary("r", [outcome]).lines()[1] == "  dossiers_2021-12-18.csv: ignored unknown headers: GhiChu"


def test_two_digit_years_are_quarantined_naming_row_column_and_value(landing, tmp_path):
    """%Y reads "20/12/21" as the year 21: every date parsed, the file loaded, the dossiers 2000 years old."""
    rows = rows_of(extract(landing))
    for r in rows:
        if r["received_at"]:
            r["received_at"] = dt.datetime.fromisoformat(r["received_at"]).strftime("%d/%m/%y %H:%M:%S")
    result, _ = staged(write_rows(tmp_path / "dossiers_2021-12-18.csv", rows))
    first = next(i for i, r in enumerate(rows) if r["received_at"])
    years = [i for i in result.issues if "year before 1990: write four-digit years" in i.problem]
    assert {i.column for i in years} == {"received_at"}          # (and due_at is now 2000 years after it)
    assert (years[0].row_number, years[0].value) == (first + 1, rows[first]["received_at"])

    (source,) = sorted((landing / "report_submissions").glob("*.csv"))[:1]
    reports = rows_of(source)
    reports[0]["period_start"] = dt.date.fromisoformat(reports[0]["period_start"]).strftime("%d/%m/%y")
    con = duckdb.connect()
    result = stage_file(con, write_rows(tmp_path / source.name, reports), load_contract("report_submissions"))
    assert [(i.row_number, i.column, i.value) for i in result.issues if "four-digit" in i.problem] == [
        (1, "period_start", reports[0]["period_start"])]


@pytest.mark.parametrize("value", ["9.5", "150.000", "2002000.6", "0x10", "1e3", "1_000", "1 000", "١٢"])
def test_an_integer_that_is_not_plain_digits_is_quarantined_not_rounded(landing, tmp_path, value):
    """A cast rounded 9.5 to 10 and read the Vietnamese "150.000" (150 000 VND) as 150."""
    (source,) = sorted((landing / "payments").glob("*.csv"))[:1]
    rows = rows_of(source)
    rows[2]["amount_vnd"] = value
    rows[3]["amount_vnd"] = " 150000 "           # spaces around plain digits are trimmed, as for every value
    con = duckdb.connect()
    result = stage_file(con, write_rows(tmp_path / source.name, rows), load_contract("payments"))
    assert [(i.row_number, i.column, i.value) for i in result.issues] == [(3, "amount_vnd", value)]
    assert "plain digits" in result.issues[0].problem


def formula_workbook(landing, path: Path, cached: bool) -> Path:
    """The day's extract as .xlsx whose due_at is a formula (received_at + 7 days), with or
    without the value Excel stores beside it."""
    import re
    import zipfile

    rows = rows_of(extract(landing))
    book = extract_workbook(rows, path)
    due = list(rows[0]).index("due_at") + 1
    received = chr(64 + list(rows[0]).index("received_at") + 1)
    for i, r in enumerate(rows, start=2):
        book.active.cell(i, due).value = f"={received}{i}+7" if r["received_at"] else None
    path.parent.mkdir(parents=True, exist_ok=True)
    plain = path.with_suffix(".plain.xlsx")
    book.save(plain)
    if not cached:             # openpyxl writes <f>…</f><v/>: no stored value, as any tool that does not calculate
        plain.rename(path)
        return path
    values = {f"{chr(64 + due)}{i}": r["due_at"] for i, r in enumerate(rows, start=2)}   # what Excel would store
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<c r="([A-Z]+\d+)"><f>([^<]*)</f><v ?/></c>', lambda m: (
                    b'<c r="%s" t="str"><f>%s</f><v>%s</v></c>' % (m[1], m[2], values[m[1].decode()].encode())), data)
            zout.writestr(item, data)
    return path


def test_formulas_without_stored_values_are_refused_and_with_them_are_read(landing, tmp_path):
    """Read-only openpyxl reads a formula cell without its cached value as empty: every due date lost."""
    result, _ = staged(formula_workbook(landing, tmp_path / "a" / "dossiers_2021-12-18.xlsx", cached=False))
    (issue,) = result.issues
    assert "formulas without stored values" in issue.problem and "open and save the file in Excel, or paste values" in issue.problem
    assert issue.value.startswith("I2, ")
    result, typed = staged(formula_workbook(landing, tmp_path / "b" / "dossiers_2021-12-18.xlsx", cached=True))
    assert result.issues == [] and typed["due_at"].notna().sum() == sum(1 for r in rows_of(extract(landing)) if r["due_at"])


def test_a_hidden_first_sheet_or_two_sheets_of_data_are_refused_naming_the_sheets(landing, tmp_path):
    rows = rows_of(extract(landing))
    book = extract_workbook(rows[:50], tmp_path)
    book.active.title, book.active.sheet_state = "old", "hidden"
    today = book.create_sheet("today")
    for r in [list(rows[0]), *[list(r.values()) for r in rows]]:
        today.append(r)
    book.active = 1
    (tmp_path / "h").mkdir()
    book.save(hidden := tmp_path / "h" / "dossiers_2021-12-18.xlsx")
    (issue,) = staged(hidden)[0].issues
    assert "first sheet 'old' is hidden" in issue.problem and issue.value == "old (hidden), today (visible)"

    book.worksheets[0].sheet_state = "visible"
    book.save(two := tmp_path / "dossiers_2021-12-18.xlsx")
    (issue,) = staged(two)[0].issues
    assert "more than one sheet holds data ('old', 'today')" in issue.problem


def test_zero_width_characters_and_nbsp_in_headers_are_ignored(landing, tmp_path):
    """A header copied from a web page: "due_at" + U+200B matched no column, and due_at was left empty."""
    rows = rows_of(extract(landing))
    rename = {"due_at": "due_at\u200b", "received_at": "\ufeffNgay\u00a0Tiep\u00a0Nhan".replace("\u00a0", "") + "\u00a0",
              "status": "Trang\u200dThaiHoSoId"}
    result, typed = staged(write_rows(tmp_path / "dossiers_2021-12-18.csv", rows, rename=rename))
    assert result.issues == [] and result.ignored_headers == []
    _, plain = staged(extract(landing))
    assert typed.equals(plain)


def test_codes_excel_stored_as_numbers_are_refused_naming_column_row_and_value(landing, tmp_path):
    """Excel keeps a code column typed as numbers: 1.001200 reads 1.0012 and an ID number loses
    its leading 0, and nothing in the text shows it. A text column holding numeric cells is
    refused, naming the first such cell; the same workbook with the codes as text loads."""
    rows = rows_of(extract(landing))
    columns = list(rows[0])
    book = extract_workbook(rows, tmp_path)
    code = columns.index("procedure_code") + 1
    for i, r in enumerate(rows, start=2):
        book.active.cell(i, code).value = float(r["procedure_code"])
    book.save(path := tmp_path / "dossiers_2021-12-18.xlsx")
    result, _ = staged(path)
    issues = [i for i in result.issues if i.column == "procedure_code"]
    assert len(issues) == 1 and issues[0].row_number == 1 and "format the column as Text" in issues[0].problem
    assert issues[0].value == str(float(rows[0]["procedure_code"])).removesuffix(".0")

    (tmp_path / "text").mkdir()
    extract_workbook(rows, tmp_path).save(as_text := tmp_path / "text" / "dossiers_2021-12-18.xlsx")
    result, typed = staged(as_text)
    assert result.issues == [] and list(typed["procedure_code"]) == [r["procedure_code"] for r in rows]
