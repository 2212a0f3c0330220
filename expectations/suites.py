"""What is checked, declared without importing Great Expectations (it is slow to import).

Each check has a severity: ``error`` blocks (a load is quarantined) and ``finding`` is
recorded and reported (a unit report's rows that do not add up are findings to show, not
crashes). The load suites are derived from the source contracts. The marts' own
identities are dbt tests, not checks here: they hold by construction.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ingestion.contracts import Contract
from tthc.config import register_folder


@dataclass(frozen=True)
class Check:
    name: str
    expectation: str          # a class in great_expectations.expectations
    kwargs: dict = field(default_factory=dict)
    severity: str = "error"   # error | finding
    explain: str = ""
    # it reads personal data (a contract column marked personal): its failing rows' values go
    # to raw.quarantine_issues and the quarantine report, never to the published audit record
    personal: bool = False


CONTROL_CHARACTERS = r"[\x00-\x08\x0a-\x1f\x7f]"
# the Windows-1252 reading of the UTF-8 bytes of Vietnamese letters: Ã+, Ä‘ (đ), Æ°/Æ¡ (ư/ơ), áº/á» + one more;
# none of these pairs occurs in Vietnamese text. The pattern holds the characters themselves (not a
# raw string): pandas gives a pattern without \u escapes to pyarrow's RE2, not to Python's re.
MOJIBAKE = "Ã[\u00a0-\u00bf]|Ä[\u0080-\u00bf\u2018\u2019]|Æ[\u00a0-\u00bf]|á[\u00ba\u00bb][\u0080-\u00bf\u0152-\u2122]"


def load_checks(contract: Contract, register: Path | None = None) -> list[Check]:
    """Checks on the rows of every pending load of one source (columns: the contract's plus
    _load_id, _row_number). ``register``: the home's unit register (Đồng Nai's by default)."""
    register = register or register_folder()
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
        if col.minimum is not None:
            checks.append(Check(
                f"{col.name}_at_least_{col.minimum}", "ExpectColumnValuesToBeBetween",
                {"column": col.name, "min_value": col.minimum}, severity=col.minimum_severity,
                explain=f"{col.name} >= {col.minimum}",
            ))
        if col.in_register:
            # a code the register lacks would fail the build's relationship test, naming no file or row
            checks.append(Check(
                f"{col.name}_in_register", "ExpectColumnValuesToBeInSet", {"column": col.name, "value_set": register_codes(register)},
                explain=f"{col.name} is a unit of the register (dbt_project/registers/{register.name}/units.csv)",
            ))
    for col in contract.columns:
        if col.type == "text" and not col.allowed:
            # openpyxl refuses control characters: one in a name would stop the Excel report
            checks.append(Check(
                f"{col.name}_no_control_characters", "ExpectColumnValuesToNotMatchRegex",
                {"column": col.name, "regex": CONTROL_CHARACTERS},
                explain=f"{col.name} holds no control characters (tab aside)", personal=col.personal,
            ))
            # UTF-8 read as Windows-1252 and saved again ("Cáº¥p" for "Cấp"): valid UTF-8, garbled names
            checks.append(Check(
                f"{col.name}_not_double_encoded", "ExpectColumnValuesToNotMatchRegex",
                {"column": col.name, "regex": MOJIBAKE},
                explain=f"{col.name} is not UTF-8 decoded as Windows-1252 and encoded again (mojibake)",
                personal=col.personal,
            ))
    for first, second in contract.date_order:
        checks.append(Check(
            f"{first}_not_after_{second}", "ExpectColumnPairValuesAToBeGreaterThanB",
            {"column_A": second, "column_B": first, "or_equal": True, "ignore_row_if": "either_value_is_missing"},
            explain=f"{first} <= {second} where both are known",
        ))
    return checks


@cache
def register_codes(register: Path) -> list[str]:
    with open(register / "units.csv", encoding="utf-8") as f:
        return sorted(r["unit_code"] for r in csv.DictReader(f))
