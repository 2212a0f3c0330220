"""SQL text is built only from checked values: a static check over the project's code.

Every f-string, ``.format`` or ``%`` passed straight to execute / executemany / sql may
interpolate only the quoting helpers' results or a name in CHECKED (the code's own
constants and names the contracts validate); anything else — a path, a setting, a header —
goes in as a bound parameter or through warehouse.database.sql_literal / sql_identifier.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tthc.config import REPO

FOLDERS = ("tthc", "ingestion", "warehouse", "expectations", "dags", "bench", "tools")
SQL_CALLS = {"execute", "executemany", "sql", "copy_expert"}
QUOTING = {"sql_literal", "sql_identifier"}
# interpolated expressions that are checked values, each with why
CHECKED = {
    "STAGED", "TYPED", "WORKBOOK",   # the staging tables' constant names
    "PSEUDONYM_SQL",          # tthc/pii.py: a constant expression whose key blocks are bound parameters
    "TOP_GAPS", "TOP_FINDINGS", "MAX_ISSUES_PER_CHECK", "MAX_ISSUES_PER_CHECK + 1",  # integer constants
    "source",                 # a source name from ingestion/contracts (sources()), never from a file
    "table",                  # raw table names read from the warehouse's own catalog
    "name",                   # publish: sql_identifier(schema).sql_identifier(table)
    "condition",              # reader: built from contract columns and sql_identifier()
    "staged.select_typed",    # ditto (ingestion/reader.py stage_file)
    "', '.join(wanted)",      # contract column names (validated by ingestion/contracts.py)
    "', '.join(selects)", "', '.join(typed)", "', '.join(parsed)", "', '.join(delivered_text)",  # reader: contract columns through sql_identifier()
    "types",                  # reader: the CSV's columns named by position, through sql_literal()
    "body",                   # contract column names and types
    "n", "t",                 # ditto, in source_table_ddl
    "key", "counts",          # corrections: contract column names through sql_identifier()
    "quoted",                 # bulk generator: the generator's own column names through sql_identifier()
    "provinces_union",        # national roll-up: sql_literal(province code) and sql_identifier() names
    "measure_columns", "measure_sums",  # national roll-up: column names of the warehouse's catalog through sql_identifier()
    "', '.join(FIGURES)",     # national benchmark: a constant tuple of fct_dossier_processing's columns
    # load checks in SQL (expectations/sql_checks.py): contract columns through sql_identifier(),
    # conditions of a fixed set of forms whose values are bound parameters, raw.<source>
    "scope", "condition", "copies", "_key(check)", "_counts(forms, first)", "_counts(forms, together)",
    "_any_match(checks, together)",
    "', '.join((sql_identifier(c) for c in kept))",
    "marks",                  # province registers' builder: "?,?,…", the placeholders of bound parameters
}


def _interpolated(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return [*node.args, *(k.value for k in node.keywords)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return list(node.right.elts) if isinstance(node.right, ast.Tuple) else [node.right]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _interpolated(node.left) + _interpolated(node.right)
    return []


def _checked(expr: ast.expr) -> bool:
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in QUOTING:
        return True
    return ast.unparse(expr) in CHECKED


def unchecked_sql(source: str, filename: str = "<snippet>") -> list[str]:
    """``file:line: expression`` for every unchecked value interpolated into SQL text."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS and node.args:
            found += [f"{filename}:{node.lineno}: {ast.unparse(e)}" for e in _interpolated(node.args[0]) if not _checked(e)]
    return found


def test_the_check_finds_a_quoted_path():
    assert unchecked_sql("con.execute(f\"attach '{path}' as published\")") == ["<snippet>:1: path"]
    assert unchecked_sql("con.execute(\"copy t to '{}'\".format(target))") == ["<snippet>:1: target"]
    assert unchecked_sql("con.sql(\"select * from '%s'\" % home)") == ["<snippet>:1: home"]
    assert unchecked_sql("con.execute(f'select {x}' + f' from {STAGED}')") == ["<snippet>:1: x"]


def test_the_check_lets_parameters_and_quoting_helpers_through():
    assert unchecked_sql("con.execute('attach ? as published', [str(path)])") == []
    assert unchecked_sql("con.execute(f'select {sql_identifier(header)} from {STAGED}')") == []


def test_no_sql_text_interpolates_an_unchecked_value():
    found = []
    for folder in FOLDERS:
        for path in sorted((REPO / folder).rglob("*.py")):
            found += unchecked_sql(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))
    assert found == []
