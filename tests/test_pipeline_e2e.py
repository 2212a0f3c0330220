"""The whole flow — DuckDB, dbt, Great Expectations, publishing — on generated extracts."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil

import duckdb
import pytest

from tests.conftest import END, START
from tthc.config import Paths
from tthc.pipeline import dates_between, run
from warehouse.status import status_lines

PERIOD, PERIOD_START, PERIOD_END = "month_2021_12", "2021-12-01", "2021-12-31"


def published(paths: Paths) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(paths.published), read_only=True)


def independent_counts(landing) -> dict[str, tuple]:
    """Per unit, straight from the landing CSVs: each dossier's last state on or before the
    period's end, then the counts the processing report and the online rate must show."""
    sql = f"""
        with rows as (
            select *, cast(regexp_extract(filename, '(\\d{{4}}-\\d{{2}}-\\d{{2}})', 1) as date) as extract_date
            from read_csv('{landing}/dossiers/*.csv', filename = true)
        ),
        state as (
            select * from rows where extract_date <= date '{PERIOD_END}'
            qualify row_number() over (partition by dossier_code order by extract_date desc) = 1
        )
        select unit_code,
            count(*) filter (where channel = 2 and cast(received_at as date) between date '{PERIOD_START}' and date '{PERIOD_END}'),
            count(*) filter (where cast(received_at as date) between date '{PERIOD_START}' and date '{PERIOD_END}'),
            count(*) filter (where cast(finished_at as date) between date '{PERIOD_START}' and date '{PERIOD_END}'
                             and cast(finished_at as date) > cast(due_at as date))
        from state group by unit_code"""
    return {unit: tuple(counts) for unit, *counts in duckdb.sql(sql).fetchall()}


def test_marts_agree_with_an_independent_count_from_the_extracts(built):
    expected = independent_counts(built.landing)
    with published(built) as con:
        got = {unit: (online, total, overdue) for unit, online, total, overdue in con.execute("""
            select r.unit_code, r.online_dossiers, r.total_dossiers, f.resolved_overdue
            from marts.fct_online_dossier_rate r
            join marts.fct_dossier_processing f using (period_id, unit_code)
            where r.period_id = ? and r.unit_code <> '70'""", [PERIOD]).fetchall()}
        province = con.execute("select online_dossiers, total_dossiers, rate from marts.fct_online_dossier_rate where period_id = ? and unit_code = '70'", [PERIOD]).fetchone()
    assert {u: c for u, c in got.items() if any(c)} == {u: c for u, c in expected.items() if any(c)}
    online = sum(c[0] for c in expected.values())
    total = sum(c[1] for c in expected.values())
    assert province == (online, total, pytest.approx(online / total))
    assert 0.15 < online / total < 0.30  # near seed 000's 21,62%


def test_a_period_in_progress_is_counted_as_of_the_last_day_with_data(built):
    """The extracts stop on 14/01/2022: January is counted as of 14/01, not 31/01. Pending
    dossiers are overdue when due before 14/01, straight from the landing CSVs; the open
    dossiers due on 15/01 (the day after the last extract) are not."""
    month, last = "month_2022_01", END
    state = f"""
        with rows as (
            select *, cast(regexp_extract(filename, '(\\d{{4}}-\\d{{2}}-\\d{{2}})', 1) as date) as extract_date
            from read_csv('{built.landing}/dossiers/*.csv', filename = true)
        )
        select unit_code, cast(due_at as date) as due_day from rows
        qualify row_number() over (partition by dossier_code order by extract_date desc) = 1
            and received_at is not null and finished_at is null and closed_at is null"""
    overdue = dict(duckdb.sql(f"select unit_code, count(*) from ({state}) where due_day < date '{last}' group by all").fetchall())
    (due_next_day,), = duckdb.sql(f"select count(*) from ({state}) where due_day = date '{last}' + 1").fetchall()
    with published(built) as con:
        (as_of, partial), = con.execute("select as_of_day, is_partial from marts.dim_report_period where period_id = ?", [month]).fetchall()
        got = dict(con.execute("select unit_code, pending_overdue from marts.fct_dossier_processing "
                               "where period_id = ? and pending_overdue > 0", [month]).fetchall())
        marts_as_of = {d for (d,) in con.execute("""
            select distinct as_of_day from marts.fct_kpi_scorecard where period_id = ? union
            select distinct as_of_day from marts.rpt_processing_report where period_id = ?""", [month, month]).fetchall()}
    assert (as_of, partial) == (last, True) and marts_as_of == {last}
    assert due_next_day > 0, "the generator leaves dossiers open and due the day after the last extract"
    assert got == overdue


def test_processing_report_balances_by_construction_and_records_no_findings(built):
    """received = resolved + pending + closed otherwise on every row (dbt tests hold it); the
    platform's own report is no finding: only the units' reports (seed 000's here) have them."""
    with published(built) as con:
        broken = con.execute("""
            select count(*) from marts.rpt_processing_report
            where received_total <> received_new_online + received_carried_over + received_new_offline
               or resolved_total <> resolved_on_time + resolved_overdue
               or pending_total <> pending_not_due + pending_overdue
               or received_total <> resolved_total + pending_total + closed_otherwise""").fetchone()[0]
        left_otherwise = con.execute("select count(*) from marts.rpt_processing_report where closed_otherwise > 0").fetchone()[0]
        suites = {s for (s,) in con.execute("select distinct suite from audit.validation_results where run_id = 'session-build'").fetchall()}
        findings = {f for (f,) in con.execute("select distinct file_name from audit.unit_report_findings").fetchall()}
    assert broken == 0
    assert left_otherwise > 0, "the generator makes refused, withdrawn and stopped dossiers"
    assert "processing_report" not in suites and {"dossiers_load", "unit_report__appendix_4_processing"} <= suites
    assert findings == {"phu_luc_ke_hoach_170.xlsx"}
    docs = built.data_docs.read_text(encoding="utf-8")
    assert "dossiers_load" in docs


def test_report_layout_follows_appendix_4(built):
    with published(built) as con:
        rows = con.execute("""
            select row_kind, section, stt, row_label from marts.rpt_processing_report
            where period_id = ? order by sort_key""", [PERIOD]).fetchall()
        sums = con.execute("""
            select count(*) from marts.rpt_processing_report s
            where s.row_kind = 'section' and s.received_total <> (
                select sum(d.received_total) from marts.rpt_processing_report d
                where d.period_id = s.period_id and d.section = s.section and d.row_kind = 'detail')""").fetchone()[0]
    kinds = [r[0] for r in rows]
    assert kinds.count("section") == 3 and kinds[-1] == "total"
    # A + 21 departments, the branches, the land office and the service centre; B + 11; C + 11 districts; total
    assert len(rows) == 1 + 24 + 1 + 11 + 1 + 11 + 1
    assert ("detail", "A", "10.1", "Các Chi nhánh VPĐK đất đai") in rows
    assert [r[2:] for r in rows if r[1] == "A"][-2:] == [("22", "Văn phòng Đăng ký đất đai tỉnh"),
                                                        ("23", "Trung tâm Phục vụ hành chính công tỉnh")]
    assert [r[3] for r in rows if r[1] == "C" and r[0] == "detail"][0] == "Thành phố Đồng Xoài"
    assert sums == 0


UNIT_LEVEL_MARTS = ["fct_dossier_processing", "fct_online_dossier_rate", "fct_on_time_resolution", "fct_digitization_rate",
                    "fct_online_payment_rate", "fct_online_reporting_rate", "fct_online_service_uptake"]


def test_every_unit_in_force_has_its_row_in_every_unit_level_mart(built):
    """The register's units with a report section (read from the seed file, not the marts)
    each have a row in every period of every unit-level mart, with or without dossiers: zero
    counts and no rate where nothing was received."""
    from tthc.config import DBT_PROJECT

    register = duckdb.sql(f"""select unit_code, valid_from, valid_to from read_csv('{DBT_PROJECT / "registers" / "75" / "units.csv"}',
                              all_varchar = true) where section is not null""").fetchall()
    with published(built) as con:
        periods = con.execute("select period_id, period_start, period_end from marts.dim_report_period").fetchall()
        for mart in UNIT_LEVEL_MARTS:
            scope = "" if mart == "fct_dossier_processing" else "and scope = 'unit'"
            rows = con.execute(f"select period_id, unit_code from marts.{mart} where true {scope}").fetchall()
            for period_id, start, end in periods:
                in_force = {u for u, since, until in register if since <= str(end) and (until is None or until >= str(start))}
                assert {u for p, u in rows if p == period_id} == in_force, (mart, period_id)
        idle = con.execute("""select unit_code, total_dossiers, rate from marts.fct_online_dossier_rate
                              where period_id = 'month_2021_12' and scope = 'unit' and total_dossiers = 0""").fetchall()
    assert len(register) == 156 and idle and all(rate is None for _, _, rate in idle)
    assert "DEP-NGV" in {u for u, _, _ in idle}  # Sở Ngoại vụ: no dossier in seed 000 either


def test_kpi_marts_carry_target_verdict_and_change(built):
    with published(built) as con:
        rows = con.execute("""
            select period_id, rate, target_rate, verdict, previous_rate, change_since_previous
            from marts.fct_online_dossier_rate where unit_code = '70' and period_kind = 'month' order by period_start""").fetchall()
        uptake = con.execute("""
            select online_services, services_with_online_dossiers, verdict from marts.fct_online_service_uptake
            where unit_code = '70' and period_id = ?""", [PERIOD]).fetchone()
    assert [r[0] for r in rows] == ["month_2021_12", "month_2022_01"]
    (_, rate1, target, verdict1, prev1, _), (_, rate2, _, _, prev2, change2) = rows
    assert target == 0.5 and verdict1 == ("Đạt" if rate1 >= 0.5 else "Không đạt")
    assert prev1 is None and prev2 == rate1 and change2 == pytest.approx(rate2 - rate1)
    assert uptake[0] == 1651 and 0 < uptake[1] < 1651 and uptake[2] == "Không đạt"


def test_no_personal_data_reaches_what_readers_can_open(built):
    personal = {v for (v,) in duckdb.sql(f"""
        select distinct unnest([applicant_name, applicant_id_number, applicant_phone, applicant_address])
        from read_csv('{built.landing}/dossiers/*.csv', all_varchar = true)""").fetchall() if v}
    assert len(personal) > 1000
    with published(built) as con:
        schemas = {s for (s,) in con.execute("select distinct table_schema from information_schema.tables").fetchall()}
        columns = con.execute("""select table_schema, table_name, column_name from information_schema.columns
                                 where data_type = 'VARCHAR'""").fetchall()
        leaks = []
        for schema, table, column in columns:
            values = {v for (v,) in con.execute(f'select distinct "{column}" from {schema}.{table}').fetchall()}
            leaks += [(schema, table, column, v) for v in values & personal]
        names = [c for _, _, c in columns if c.startswith("applicant_") and c != "applicant_key"]
    assert schemas == {"marts", "reference", "audit"}
    assert leaks == [] and names == []
    with duckdb.connect(str(built.warehouse), read_only=True) as con:
        # only the base views (schema base, never published) carry the ID number, up to the pseudonym's join
        staging_columns = {c for (c,) in con.execute("select column_name from information_schema.columns where table_schema in ('staging', 'intermediate', 'marts')").fetchall()}
        base_columns = {c for (c,) in con.execute("select column_name from information_schema.columns where table_schema = 'base'").fetchall()}
    assert not staging_columns & {"applicant_name", "applicant_id_number", "applicant_phone", "applicant_address"}
    assert base_columns & {"applicant_name", "applicant_id_number", "applicant_phone", "applicant_address"} == {"applicant_id_number"}


def table_digests(path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute("select table_schema, table_name from information_schema.tables where table_schema in ('raw', 'staging', 'intermediate', 'marts')").fetchall()
        return {f"{s}.{t}": hashlib.sha256(repr(con.execute(f"select * from {s}.{t} order by all").fetchall()).encode()).hexdigest()
                for s, t in tables}


def test_running_a_day_again_changes_no_row(copy_of_built):
    before = table_digests(copy_of_built.warehouse)
    day = START + dt.timedelta(days=5)
    summary = run(copy_of_built, {day}, echo=lambda *_: None)
    assert {f.path.name: f.status for f in summary.files} == {
        f"{source}_{day}.csv": "skipped" for source in ("dossiers", "payments", "report_submissions")}
    assert table_digests(copy_of_built.warehouse) == before


def test_a_file_missing_a_column_is_quarantined_named_and_the_rest_of_the_day_loads(copy_of_built):
    day = END + dt.timedelta(days=1)
    landing = copy_of_built.landing
    source = (landing / "dossiers" / f"dossiers_{END}.csv").read_text(encoding="utf-8").splitlines()
    header = source[0].split(",")
    drop = header.index("channel")
    broken = [",".join(c for i, c in enumerate(line.split(",")) if i != drop) for line in source[:1]]
    (landing / "dossiers" / f"dossiers_{day}.csv").write_text("\n".join(broken) + "\n", encoding="utf-8")
    services = next((landing / "services").glob("*.csv"))
    shutil.copy(services, landing / "services" / f"services_{day}.csv")

    summary = run(copy_of_built, {day}, echo=lambda *_: None)
    assert {f.path.name: f.status for f in summary.files} == {f"dossiers_{day}.csv": "quarantined", f"services_{day}.csv": "current"}
    assert summary.lines()[0].endswith("2 file(s) seen — 1 current, 1 quarantined")
    text = "\n".join(status_lines(copy_of_built))
    assert f"dossiers_{day}.csv" in text and "column channel: required column is missing" in text
    with duckdb.connect(str(copy_of_built.warehouse), read_only=True) as con:
        assert con.execute("select status from raw.load_manifest where file_name = ?", [f"services_{day}.csv"]).fetchone() == ("current",)


def test_a_dossier_of_a_unit_the_register_lacks_is_quarantined_and_the_run_goes_on(copy_of_built, capsys):
    """A dossier from a unit the register does not know once failed dbt's relationship test,
    naming neither file nor row; the load check now quarantines its file, naming the row and
    column, and the run ends normally."""
    from tthc import cli

    day = END + dt.timedelta(days=1)
    lines = (copy_of_built.landing / "dossiers" / f"dossiers_{END}.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("unit_code")] = "99999"
    row[header.index("dossier_code")] = "99999-220115-00001"
    (copy_of_built.landing / "dossiers" / f"dossiers_{day}.csv").write_text("\n".join([lines[0], ",".join(row)]) + "\n", encoding="utf-8")

    code = cli.main(["run", "--date", str(day)])
    out = capsys.readouterr().out
    assert code == 0
    assert f"dossiers-{day}-" in out and "row 1 (line 2), column unit_code: fails check unit_code_in_register" in out


def test_status_reports_each_sources_last_extract_and_freshness_fails_when_stale(home, capsys):
    """Three days loaded with one never delivered between them, and no payments file at all;
    the extracts are from 2022, so today the daily dossier source is stale and `status
    --freshness` fails. Every source is listed, the one never loaded too."""
    from tthc import cli

    gap = START + dt.timedelta(days=1)
    (home.landing / "dossiers" / f"dossiers_{gap}.csv").unlink()
    for payments in (home.landing / "payments").iterdir():
        payments.unlink()
    run(home, dates_between(START, START + dt.timedelta(days=2)), echo=lambda *_: None)
    code = cli.main(["status", "--freshness"])
    out, err = capsys.readouterr()
    assert f"dossiers           2 current load(s), extracts {START} .. {START + dt.timedelta(days=2)}, 1 day(s) missing" in out
    assert "payments           never loaded" in out and "unit_reports       none received" in out
    listed = [line.split()[0] for line in out.splitlines() if line.split()[1:2] in (["never"], ["none"]) or "current load" in line]
    assert set(listed) >= {"dossiers", "payments", "report_submissions", "services", "unit_reports"}
    assert f"missing: {gap}" in out
    assert code == 1 and "source freshness failed" in err and "ERROR STALE" in err


def test_a_validation_retried_after_a_failure_records_as_one_attempt_would(home, tmp_path_factory, monkeypatch):
    """An Airflow task retried after its worker died midway: the load checks' results of the
    retried run equal those of a run that never failed (no duplicates, none missing), and
    every load ends current."""
    import tthc.pipeline
    from tthc.pipeline import ingest, validate_loads

    days = dates_between(START, START + dt.timedelta(days=2))

    def results(paths: Paths, run_id: str) -> list[tuple]:
        with duckdb.connect(str(paths.warehouse), read_only=True) as con:
            return con.execute("""select suite, expectation, success, element_count, unexpected_count
                                  from audit.validation_results where run_id = ? order by all""", [run_id]).fetchall()

    clean = Paths(tmp_path_factory.mktemp("clean")).ensure()
    shutil.copytree(home.landing, clean.landing, dirs_exist_ok=True)
    ingest(clean, days, "the-run")
    validate_loads(clean, "the-run", echo=lambda *_: None)

    ingest(home, days, "the-run")
    real = tthc.pipeline.decide

    def dies_on_payments(con, load_id, issues, *held):
        if load_id.startswith("payments"):
            raise RuntimeError("worker lost")
        real(con, load_id, issues, *held)

    monkeypatch.setattr(tthc.pipeline, "decide", dies_on_payments)
    with pytest.raises(RuntimeError, match="worker lost"):
        validate_loads(home, "the-run", echo=lambda *_: None)
    monkeypatch.setattr(tthc.pipeline, "decide", real)
    validate_loads(home, "the-run", echo=lambda *_: None)          # the retry

    assert results(home, "the-run") == results(clean, "the-run") and results(clean, "the-run")
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        assert {s for (s,) in con.execute("select distinct status from raw.load_manifest").fetchall()} == {"current"}


def test_a_backfill_writes_the_report_and_dashboard_of_its_own_month(copy_of_built):
    """Re-running 20/12/2021 after January was loaded writes December's workbook (payments
    as of that day) and opens the dashboard on December; January's workbook is untouched."""
    import json

    from openpyxl import load_workbook

    january = copy_of_built.reports / "bao_cao_month_2022_01.xlsx"
    before = january.stat().st_mtime_ns
    day = dt.date(2021, 12, 20)
    run(copy_of_built, {day}, echo=lambda *_: None)
    december = load_workbook(copy_of_built.reports / "bao_cao_month_2021_12.xlsx")
    assert december["PL4 Xử lý hồ sơ"]["A2"].value == "Kỳ báo cáo: Tháng 12/2021 (chưa đủ kỳ; số liệu đến ngày 31/12/2021)"
    assert december["PL5.1 Thanh toán đất đai"]["A4"].value.endswith("đến 20/12/2021")
    assert january.stat().st_mtime_ns == before
    html = copy_of_built.dashboard.read_text(encoding="utf-8")
    data = json.loads(html.split("const DATA = ")[1].split(";\n")[0])
    assert data["default_period"] == "month_2021_12"


def test_a_first_day_whose_dossier_extract_is_quarantined_runs_to_the_end(home, capsys):
    """The warehouse's very first dossier extract is quarantined (a unit the register lacks):
    the run goes on to the end, and says there is no month to report yet instead of failing."""
    from tthc import cli

    path = home.landing / "dossiers" / f"dossiers_{START}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header, row = lines[0].split(","), lines[1].split(",")
    row[header.index("unit_code")] = "99999"
    path.write_text("\n".join([*lines, ",".join(row)]) + "\n", encoding="utf-8")
    assert cli.main(["run", "--date", str(START)]) == 0
    out = capsys.readouterr().out
    assert "fails check unit_code_in_register" in out
    assert "no month in the marts yet (no current dossier extract): no Excel report or dashboard written" in out
    assert not home.dashboard.exists()
