"""Values that parse but cannot be true: each rule quarantines the file or is reported, as its contract says."""

from __future__ import annotations

import datetime as dt

from ingestion.loader import load_file
from tests.conftest import rows_of, write_rows
from tests.test_ingestion import DAY
from tthc.config import Paths
from tthc.pipeline import validate_loads
from warehouse.database import connect


def test_a_negative_payment_quarantines_its_file_and_a_negative_processing_time_is_a_finding(landing, tmp_path):
    paths = Paths(tmp_path / "home").ensure()
    payments = rows_of(landing / "payments" / f"payments_{DAY}.csv")
    payments[1]["amount_vnd"] = "-150000"
    bad = write_rows(paths.landing / "payments" / f"payments_{DAY}.csv", payments)
    good = write_rows(paths.landing / "payments" / f"payments_{DAY + dt.timedelta(days=1)}.csv",
                      rows_of(landing / "payments" / f"payments_{DAY + dt.timedelta(days=1)}.csv"))
    (services_file,) = sorted((landing / "services").glob("*.csv"))[:1]
    services = rows_of(services_file)
    services[3]["processing_days"] = "-5"
    catalogue = write_rows(paths.landing / "services" / services_file.name, services)
    with connect(paths.warehouse) as con:
        for path, source in ((bad, "payments"), (good, "payments"), (catalogue, "services")):
            assert load_file(con, path, source, "r", paths.quarantine).status == "pending"
    said = []
    quarantined = validate_loads(paths, "r", echo=said.append)
    assert any("finding services: 1 row(s) fail processing_days_at_least_0" in line and "row 4" in line for line in said), said
    (issues,) = quarantined.values()
    assert [(i.row_number, i.column, i.value) for i in issues] == [(2, "amount_vnd", "-150000")] and "amount_vnd >= 0" in issues[0].problem
    with connect(paths.warehouse, read_only=True) as con:
        assert dict(con.execute("select file_name, status from raw.load_manifest").fetchall()) == {
            bad.name: "quarantined", good.name: "current", catalogue.name: "current"}
        assert con.execute("select severity, success, unexpected_count from audit.validation_results "
                           "where expectation = 'processing_days_at_least_0'").fetchall() == [("finding", False, 1)]


def test_a_double_encoded_catalogue_and_a_control_character_in_a_name_quarantine_their_files(landing, tmp_path):
    paths = Paths(tmp_path / "home").ensure()
    (services_file,) = sorted((landing / "services").glob("*.csv"))[:1]
    services = rows_of(services_file)
    for r in services:   # the whole catalogue opened as Windows-1252 and saved as UTF-8
        r["service_name"] = "".join(bytes([b]).decode("cp1252", "replace") if b > 0x7F else chr(b) for b in r["service_name"].encode())
    catalogue = write_rows(paths.landing / "services" / services_file.name, services)
    dossiers = rows_of(landing / "dossiers" / f"dossiers_{DAY}.csv")
    dossiers[6]["applicant_name"] = "Nguyễn\x07 Văn An"
    bad = write_rows(paths.landing / "dossiers" / f"dossiers_{DAY}.csv", dossiers)
    with connect(paths.warehouse) as con:
        for path, source in ((catalogue, "services"), (bad, "dossiers")):
            assert load_file(con, path, source, "r", paths.quarantine).status == "pending"
    quarantined = validate_loads(paths, "r", echo=lambda *_: None)
    by_source = {load_id.split("-")[0]: issues for load_id, issues in quarantined.items()}
    assert {(i.column, "double-encoded" in i.problem or "mojibake" in i.problem) for i in by_source["services"]} == {("service_name", True)}
    assert len(by_source["services"]) == len(services)
    assert [(i.row_number, i.column, i.value) for i in by_source["dossiers"]] == [(7, "applicant_name", "Nguyễn\x07 Văn An")]


def test_a_due_date_before_receipt_quarantines_the_file_naming_row_and_column(landing, tmp_path):
    paths = Paths(tmp_path / "home").ensure()
    dossiers = rows_of(landing / "dossiers" / f"dossiers_{DAY}.csv")
    row = next(i for i, r in enumerate(dossiers) if r["received_at"] and r["due_at"])
    dossiers[row]["due_at"] = "2021-01-01 17:00:00"
    bad = write_rows(paths.landing / "dossiers" / f"dossiers_{DAY}.csv", dossiers)
    with connect(paths.warehouse) as con:
        assert load_file(con, bad, "dossiers", "r", paths.quarantine).status == "pending"
    (issues,) = validate_loads(paths, "r", echo=lambda *_: None).values()
    assert [(i.row_number, i.column) for i in issues] == [(row + 1, "received_at")]
    assert "received_at_not_after_due_at" in issues[0].problem


def test_a_due_date_in_year_9999_quarantines_the_dossiers_file_naming_row_column_and_value(landing, tmp_path):
    paths = Paths(tmp_path / "home").ensure()
    dossiers = rows_of(landing / "dossiers" / f"dossiers_{DAY}.csv")
    row = next(i for i, r in enumerate(dossiers) if r["received_at"] and r["due_at"])
    dossiers[row]["due_at"] = "9999-12-31 17:00:00"   # past pandas' datetime64[ns]: checked in SQL, no crash
    bad = write_rows(paths.landing / "dossiers" / f"dossiers_{DAY}.csv", dossiers)
    with connect(paths.warehouse) as con:
        outcome = load_file(con, bad, "dossiers", "r", paths.quarantine)
    assert outcome.status == "quarantined"
    assert [(i.row_number, i.column, i.value) for i in outcome.issues] == [(row + 1, "due_at", "9999-12-31 17:00:00")]
    assert "more than 2 years after received_at" in outcome.issues[0].problem


def test_a_report_period_ending_in_year_9999_quarantines_its_file(landing, tmp_path):
    paths = Paths(tmp_path / "home").ensure()
    (source,) = sorted((landing / "report_submissions").glob("*.csv"))[:1]
    rows = rows_of(source)
    rows[0]["period_end"] = "9999-12-31"
    bad = write_rows(paths.landing / "report_submissions" / source.name, rows)
    with connect(paths.warehouse) as con:
        outcome = load_file(con, bad, "report_submissions", "r", paths.quarantine)
    assert outcome.status == "quarantined"
    assert [(i.row_number, i.column, i.value) for i in outcome.issues] == [(1, "period_end", "9999-12-31")]


def test_every_integer_column_of_the_contracts_has_a_lower_bound():
    """A count or amount cannot be negative: each integer column is an allowed set or has a minimum."""
    from ingestion.contracts import load_contract, sources

    unbounded = [f"{s}.{c.name}" for s in sources() for c in load_contract(s).columns
                 if c.type == "integer" and not c.allowed and c.minimum is None]
    assert unbounded == []
