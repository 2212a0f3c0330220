"""The load checks run as SQL in DuckDB, where the rows already are.

Each check of ``expectations.suites`` names a Great Expectations expectation; here each of the
expectations the load suites use becomes the SQL condition of a failing row, with the same
meaning as GX gives it on a DataFrame (a null passes every check but the not-null one; a
compound key fails on every row of a repeated combination). The load is decided on these
results, in one scan of its rows, without GX's fixed cost per validation; GX validates the
same rows after the marts are published, builds the Data Docs and must agree with these
results row for row (``tthc.pipeline.confirm_load_checks``,
docs/decisions/0024-load-checks-in-sql-confirmed-by-gx.md).
"""

from __future__ import annotations

import re

from expectations.runner import CheckOutcome, _plain
from expectations.suites import Check
from warehouse.database import sql_identifier

ID_COLUMNS = ("_load_id", "_row_number")


class UnknownExpectation(ValueError):
    pass


def failing_condition(check: Check, index: int) -> tuple[str, dict]:
    """The SQL condition true on a row that fails ``check`` (for a compound key: over a
    window ``_copies_<index>``, the rows sharing its key), and its named parameters."""
    kw, p = check.kwargs, f"p{index}"
    column = sql_identifier(kw["column"]) if "column" in kw else None
    match check.expectation:
        case "ExpectColumnValuesToNotBeNull":
            return f"{column} is null", {}
        case "ExpectColumnValuesToBeInSet":   # a semi-join: a unit register's codes are hundreds
            return f"{column} is not null and {column} not in (select unnest(${p}))", {p: list(kw["value_set"])}
        case "ExpectColumnValuesToBeBetween" if set(kw) == {"column", "min_value"}:
            return f"{column} < ${p}", {p: kw["min_value"]}
        case "ExpectColumnValuesToNotMatchRegex":
            return f"regexp_matches({column}, ${p})", {p: kw["regex"]}
        case "ExpectColumnPairValuesAToBeGreaterThanB" if kw.get("ignore_row_if") == "either_value_is_missing":
            a, b = sql_identifier(kw["column_A"]), sql_identifier(kw["column_B"])
            return f"{a} {'<' if kw.get('or_equal') else '<='} {b}", {}
        case "ExpectCompoundColumnsToBeUnique":   # the window beside it: run_checks
            return f"_copies_{index} > 1", {}
    raise UnknownExpectation(f"check {check.name}: {check.expectation} with {sorted(kw)} has no SQL form here; "
                             "add it to expectations/sql_checks.py (and its test against GX)")


COMPOUND = "ExpectCompoundColumnsToBeUnique"
REGEX = "ExpectColumnValuesToNotMatchRegex"
ANCHORED = re.compile(r"[\^$]|\\[AbBzZ]")   # a pattern that could match a column, but not inside their concatenation


def run_checks(con, table: str, load_ids: list[str], checks: list[Check]) -> list[CheckOutcome]:
    """The outcome of every check on the rows of ``load_ids`` in ``table`` (a raw table), in
    the checks' order, as ``expectations.runner.validate`` gives it: every failing row with its
    ids and the values of the columns the check reads.

    The row checks are counted in one scan, each key check by a group-by; only the checks
    that fail go back for their rows. The unanchored regex checks (no control characters, no
    mojibake: two per text column) are first matched all at once on the row's texts put
    together, and counted one by one only when that finds a match."""
    loads = {"loads": list(load_ids)}
    scope = f"from {table} where list_contains($loads, _load_id)"
    forms = [failing_condition(check, i) for i, check in enumerate(checks)]
    row_checks = [i for i, check in enumerate(checks) if check.expectation != COMPOUND]
    together = [i for i in row_checks if checks[i].expectation == REGEX and not ANCHORED.search(checks[i].kwargs["regex"])]
    first = [i for i in row_checks if i not in together]
    counts = con.execute(f"select count(*){_counts(forms, first)}{_any_match(checks, together)} {scope}",
                         loads | _params(forms, first) | _any_params(checks, together)).fetchone()
    total, failing = counts[0], dict(zip(first, counts[1:]))
    if together and counts[-1]:
        failing |= dict(zip(together, con.execute(f"select count(*){_counts(forms, together)} {scope}",
                                                  loads | _params(forms, together)).fetchone()[1:]))
    else:
        failing |= dict.fromkeys(together, 0)
    for i, check in enumerate(checks):
        if check.expectation == COMPOUND:
            failing[i] = con.execute(f"select coalesce(sum(n), 0) from (select count(*) as n {scope} "
                                     f"group by {_key(check)} having count(*) > 1)", loads).fetchone()[0]
    outcomes = []
    for i, check in enumerate(checks):
        rows = []
        if failing[i]:
            condition, extra = forms[i]
            copies = f", count(*) over (partition by {_key(check)}) as _copies_{i}" if check.expectation == COMPOUND else ""
            kept = [*ID_COLUMNS, *[c for c in read_columns(check) if c not in ID_COLUMNS]]
            found = con.execute(f"with checked as (select *{copies} {scope}) "
                                f"select {', '.join(sql_identifier(c) for c in kept)} from checked "
                                f"where {condition} order by _load_id, _row_number", loads | extra).fetchall()
            rows = [{c: _plain(v) for c, v in zip(kept, row)} for row in found]
        outcomes.append(CheckOutcome(check, failing[i] == 0, total, failing[i], rows))
    return outcomes


def _counts(forms, indexes) -> str:
    return "".join(f", count(*) filter (where {forms[i][0]})" for i in indexes)


def _params(forms, indexes) -> dict:
    return {k: v for i in indexes for k, v in forms[i][1].items()}


def _any_match(checks: list[Check], indexes) -> str:
    """The count of rows where any of these regex checks' patterns matches any of their
    columns (concat skips nulls, as the checks pass them)."""
    if not indexes:
        return ""
    columns = ", ".join(sql_identifier(c) for c in dict.fromkeys(checks[i].kwargs["column"] for i in indexes))
    return f", count(*) filter (where regexp_matches(concat({columns}), $any_pattern))"


def _any_params(checks: list[Check], indexes) -> dict:
    patterns = dict.fromkeys(checks[i].kwargs["regex"] for i in indexes)
    return {"any_pattern": "|".join(f"(?:{p})" for p in patterns)} if indexes else {}


def _key(check: Check) -> str:
    return ", ".join(sql_identifier(c) for c in check.kwargs["column_list"])


def read_columns(check: Check) -> list[str]:
    """The columns ``check`` reads (besides the ids)."""
    kw = check.kwargs
    return [kw[k] for k in ("column", "column_A", "column_B") if k in kw] + list(kw.get("column_list", []))
