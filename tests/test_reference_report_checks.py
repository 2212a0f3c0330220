"""The processing-report checks on the real appendix 4 of seed 000 (errors included).

The census of that document (shared/reference/CENSUS_000_004.md) lists 19 rows where
received != resolved + pending, the grand total off by 31. Our checks, run by Great
Expectations exactly as on the mart, must find exactly those rows with those gaps, and
find nothing wrong with the three identities that hold on every row.
"""

from __future__ import annotations


import duckdb
import pytest

from expectations.runner import findings_of, validate
from expectations.suites import PROCESSING_REPORT_CHECKS, processing_report_sql
from tests.conftest import REFERENCE

ID = ["period_id", "row_key"]


def census_identity_rows() -> dict[int, int]:
    """line -> gap, read from the census's table (a1)."""
    text = (REFERENCE / "CENSUS_000_004.md").read_text(encoding="utf-8")
    table = text.split("**(a1)")[1].split("\n\n")[1]
    rows = {}
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[int(cells[0])] = int(cells[-1].replace("+", ""))
    return rows


@pytest.fixture(scope="module")
def appendix_4(tmp_path_factory):
    relation = (
        f"(select 'seed_000_p4' as period_id, cast(line_no as varchar) as row_key, * "
        f"from read_csv('{REFERENCE / '000_p4_processing.csv'}'))"
    )
    frame = duckdb.sql(processing_report_sql(relation)).df()
    outcomes = validate(tmp_path_factory.mktemp("gx"), "reference_p4", frame, PROCESSING_REPORT_CHECKS, ID)
    return frame, outcomes


def test_census_lists_19_rows_and_the_total_off_by_31():
    rows = census_identity_rows()
    assert len(rows) == 19
    assert rows[576] == 31


def test_checks_flag_exactly_the_census_rows_with_their_gaps(appendix_4):
    frame, outcomes = appendix_4
    findings = findings_of(outcomes, frame, ID)
    assert {int(f.row["row_key"]): f.gap for f in findings} == census_identity_rows()
    assert all(f.check.name == "received_is_resolved_plus_pending" for f in findings)


def test_the_three_component_identities_hold_on_every_row(appendix_4):
    frame, outcomes = appendix_4
    by_name = {o.check.name: o for o in outcomes}
    for name in ("received_is_its_parts", "resolved_is_its_parts", "pending_is_its_parts"):
        assert by_name[name].success, by_name[name].unexpected_rows
        assert by_name[name].element_count == len(frame) == 47


def test_a_broken_component_identity_is_caught(tmp_path):
    """The component checks can fail: change one cell of the real table and they must."""
    relation = (
        f"(select 'seed_000_p4' as period_id, cast(line_no as varchar) as row_key, * "
        f"replace (case when line_no = 528 then resolved_on_time + 1 else resolved_on_time end as resolved_on_time) "
        f"from read_csv('{REFERENCE / '000_p4_processing.csv'}'))"
    )
    frame = duckdb.sql(processing_report_sql(relation)).df()
    outcomes = {o.check.name: o for o in validate(tmp_path, "reference_p4_broken", frame, PROCESSING_REPORT_CHECKS, ID)}
    assert not outcomes["resolved_is_its_parts"].success
    assert outcomes["resolved_is_its_parts"].unexpected_rows == [{"period_id": "seed_000_p4", "row_key": "528"}]
