"""Check the arithmetic of a unit report with Great Expectations.

Every comparison a report's layout implies becomes one row of a frame: each row's
identities (received = its parts …), each section row against the sum of its detail rows,
the total row against the sum of all detail rows, and each printed percentage against its
counts rounded half-up. GX then checks that found equals expected. A report is somebody
else's document: what does not add up is a finding, kept with file, sheet, row, column,
expected and found, and never a reason to reject the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd

from expectations.suites import Check
from ingestion.unit_reports import ReportRow, ReportTable

KINDS = {
    "identity": "the row's total equals the sum of its parts",
    "section_sum": "a section row equals the sum of its detail rows",
    "total_sum": "the total row equals the sum of all detail rows",
    "percentage": "a printed percentage equals its count ÷ total, rounded half-up",
}
CHECKS = [
    Check(f"{kind}_holds", "ExpectColumnPairValuesToBeEqual",
          {"column_A": f"{kind}_found", "column_B": f"{kind}_expected", "ignore_row_if": "either_value_is_missing"},
          severity="finding", explain=explain)
    for kind, explain in KINDS.items()
]


@dataclass
class ReportFinding:
    file: str
    sheet: str
    row_number: int
    column: str          # Excel letter and column name, "H (received_total)"
    check: str           # identity name, section_sum, total_sum or percentage
    unit_name: str
    expected: str
    found: str

    @property
    def gap(self) -> int | None:
        try:
            return int(self.found) - int(self.expected)
        except ValueError:
            return None


def comparisons(table: ReportTable) -> pd.DataFrame:
    """One row per comparison the layout implies, found and expected as text (exact)."""
    out = []
    details = [r for r in table.rows if r.row_kind == "detail"]

    def add(kind, check, row: ReportRow, column, found, expected):
        out.append({"comparison_id": len(out), "kind": kind, "check": check, "row_number": row.row_number,
                    "column": f"{row.cells[column]} ({column})", "unit_name": row.unit_name,
                    **{f"{k}_found": None for k in KINDS}, **{f"{k}_expected": None for k in KINDS},
                    f"{kind}_found": found, f"{kind}_expected": expected})

    for row in table.rows:
        for identity in table.layout.identities:
            total, parts = row.values.get(identity.total), [row.values.get(p) for p in identity.parts]
            if total is not None and None not in parts:
                add("identity", identity.name, row, identity.total, str(total), str(sum(parts)))
        for pct in table.layout.percentages:
            num, den, printed = row.values.get(pct.numerator), row.values.get(pct.denominator), row.values.get(pct.column)
            if printed is None or num is None or not den:      # 0 ÷ 0 has no rate: "Không nhập" or "0%" both pass
                continue
            expected = (Decimal(num) * 100 / Decimal(den)).quantize(Decimal(1).scaleb(-pct.decimals), ROUND_HALF_UP)
            add("percentage", pct.column, row, pct.column, str(printed.quantize(expected)), str(expected))
        if row.row_kind in ("section", "total"):
            members = [d for d in details if row.row_kind == "total" or d.section_seq == row.section_seq]
            kind = "section_sum" if row.row_kind == "section" else "total_sum"
            for column in table.layout.counts:
                printed, values = row.values.get(column), [d.values.get(column) for d in members]
                if printed is None or not members or all(v is None for v in values):
                    continue                                   # a blank subtotal is not a wrong one
                add(kind, column, row, column, str(printed), str(sum(v or 0 for v in values)))
    return pd.DataFrame(out)


def check_report(gx_project: Path, table: ReportTable) -> tuple[list, list[ReportFinding]]:
    """Validate one table; return GX's outcomes and the findings."""
    from expectations.runner import validate

    frame = comparisons(table)
    if frame.empty:
        return [], []
    suite = f"unit_report__{table.layout.name}"
    outcomes = validate(gx_project, suite, frame, CHECKS, ["comparison_id"])
    failed = {ids["comparison_id"] for o in outcomes for ids in o.unexpected_rows}
    findings = [
        ReportFinding(table.file.name, table.sheet, int(r.row_number), r.column, r.check, r.unit_name,
                      r[f"{r.kind}_expected"], r[f"{r.kind}_found"])
        for _, r in frame[frame.comparison_id.isin(failed)].iterrows()
    ]
    return outcomes, findings
