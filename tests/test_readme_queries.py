"""The README's example queries for BI users run as written on the published copy
(tests/test_postgres_target.py runs them on PostgreSQL too)."""

from __future__ import annotations

import re

import duckdb

from tthc.config import REPO

# the session's extracts end on 14/01/2022: the payments example's day (15/05/2022) is not in them
EMPTY_ON_TEST_DATA = ("marts.rpt_payments",)


def readme_queries() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return [q.strip() for q in re.findall(r"```sql\n(.*?)```", readme, re.S)]


def expect_rows(query: str) -> bool:
    return not any(table in query for table in EMPTY_ON_TEST_DATA)


def test_every_readme_query_runs_on_the_published_copy(built):
    queries = readme_queries()
    assert len(queries) >= 8
    with duckdb.connect(str(built.published), read_only=True) as con:
        for query in queries:
            rows = con.execute(query).fetchall()
            assert rows or not expect_rows(query), query
