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
    assert [(i.row_number, i.column) for i in issues] == [(2, "amount_vnd")] and "amount_vnd >= 0" in issues[0].problem
    with connect(paths.warehouse, read_only=True) as con:
        assert dict(con.execute("select file_name, status from raw.load_manifest").fetchall()) == {
            bad.name: "quarantined", good.name: "current", catalogue.name: "current"}
        assert con.execute("select severity, success, unexpected_count from audit.validation_results "
                           "where expectation = 'processing_days_at_least_0'").fetchall() == [("finding", False, 1)]
