"""What is checked, declared without importing Great Expectations (it is slow to import).

Each check has a severity: ``error`` blocks (a load is quarantined; a mart check fails the
run) and ``finding`` is recorded and reported (a real report's rows that do not add up are
findings to show, not crashes). The load suites are derived from the source contracts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingestion.contracts import Contract


@dataclass(frozen=True)
class Check:
    name: str
    expectation: str          # a class in great_expectations.expectations
    kwargs: dict = field(default_factory=dict)
    severity: str = "error"   # error | finding
    explain: str = ""


def load_checks(contract: Contract) -> list[Check]:
    """Checks on the rows of every pending load of one source (columns: the contract's plus _load_id, _row_number)."""
    checks = [
        Check(f"{col}_present", "ExpectColumnValuesToNotBeNull", {"column": col},
              explain=f"every row has a {col}")
        for col in contract.unique_key
    ]
    checks.append(Check(
        "key_unique_in_extract", "ExpectCompoundColumnsToBeUnique",
        {"column_list": ["_load_id", *contract.unique_key]},
        explain=f"({', '.join(contract.unique_key)}) appears once per extract",
    ))
    for col in contract.columns:
        if col.allowed:
            checks.append(Check(
                f"{col.name}_known", "ExpectColumnValuesToBeInSet", {"column": col.name, "value_set": list(col.allowed)},
                explain=f"{col.name} is one of {', '.join(map(str, col.allowed))}",
            ))
    for first, second in contract.date_order:
        checks.append(Check(
            f"{first}_not_after_{second}", "ExpectColumnPairValuesAToBeGreaterThanB",
            {"column_A": second, "column_B": first, "or_equal": True, "ignore_row_if": "either_value_is_missing"},
            explain=f"{first} <= {second} where both are known",
        ))
    return checks


# The processing report's identities. The *_parts columns are computed in SQL beside the
# report (processing_report_sql), so that each identity is one column-pair expectation.
PROCESSING_REPORT_CHECKS = [
    Check("received_is_its_parts", "ExpectColumnPairValuesToBeEqual",
          {"column_A": "received_total", "column_B": "received_parts"},
          explain="received = new online + carried over + new in person or by post"),
    Check("resolved_is_its_parts", "ExpectColumnPairValuesToBeEqual",
          {"column_A": "resolved_total", "column_B": "resolved_parts"},
          explain="resolved = on time + overdue"),
    Check("pending_is_its_parts", "ExpectColumnPairValuesToBeEqual",
          {"column_A": "pending_total", "column_B": "pending_parts"},
          explain="pending = not yet due + overdue"),
    Check("received_is_resolved_plus_pending", "ExpectColumnPairValuesToBeEqual",
          {"column_A": "received_total", "column_B": "resolved_plus_pending"}, severity="finding",
          explain="received = resolved + pending; refused, withdrawn or stopped dossiers make the gap"),
]
PROCESSING_REPORT_ROW_ID = ["period_id", "row_key"]


def processing_report_sql(relation: str) -> str:
    """The report's rows with the sums the checks compare; ``relation`` has the II.06a columns."""
    return f"""
select *,
       received_new_online + received_carried_over + received_new_offline as received_parts,
       resolved_on_time + resolved_overdue as resolved_parts,
       pending_not_due + pending_overdue as pending_parts,
       resolved_total + pending_total as resolved_plus_pending
from {relation}
"""
