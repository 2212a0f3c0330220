"""Run checks with Great Expectations on DataFrames, keep the results, build Data Docs.

GX validates pandas DataFrames here: its SQL path on DuckDB returns empty metrics. It is
imported lazily and quietened, since importing it costs seconds and prints hundreds of lines.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from expectations.suites import Check


@dataclass
class CheckOutcome:
    check: Check
    success: bool
    element_count: int
    unexpected_count: int
    unexpected_rows: list[dict] = field(default_factory=list)  # the id columns of each failing row


def _gx():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx

    return gx


def ProgressBarsConfig(**kwargs):
    from great_expectations.data_context.types.base import ProgressBarsConfig as config

    return config(**kwargs)


def validate(gx_project: Path, suite_name: str, frame: pd.DataFrame, checks: list[Check], id_columns: list[str]) -> list[CheckOutcome]:
    """Validate ``frame`` against ``checks`` as the suite ``suite_name``; update the Data Docs site."""
    gx = _gx()
    gx_project.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(gx_project))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_or_update_pandas("frames")
    asset = source.get_asset(suite_name) if suite_name in source.get_asset_names() else source.add_dataframe_asset(suite_name)
    batch = asset.get_batch_definition("whole") if "whole" in [b.name for b in asset.batch_definitions] else asset.add_batch_definition_whole_dataframe("whole")

    suite = gx.ExpectationSuite(name=suite_name)
    for check in checks:
        expectation = getattr(gx.expectations, check.expectation)(**check.kwargs, meta={"check": check.name, "severity": check.severity, "explain": check.explain})
        suite.add_expectation(expectation)
    suite = context.suites.add_or_update(suite)
    definition = context.validation_definitions.add_or_update(gx.ValidationDefinition(name=suite_name, data=batch, suite=suite))
    checkpoint = context.checkpoints.add_or_update(gx.Checkpoint(
        name=suite_name, validation_definitions=[definition],
        actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs")],
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": id_columns,
                       "partial_unexpected_count": 0},
    ))
    result = checkpoint.run(batch_parameters={"dataframe": frame})
    validation = next(iter(result.run_results.values()))

    outcomes = []
    for r in validation.results:
        check = next(c for c in checks if c.name == r.expectation_config.meta["check"])
        details = r.result or {}
        # the ids, and the failing value of a one-column check or the values of a compound key
        kept = {*id_columns, check.kwargs.get("column"), *check.kwargs.get("column_list", [])}
        rows = [{k: _plain(v) for k, v in row.items() if k in kept} for row in details.get("unexpected_index_list") or []]
        outcomes.append(CheckOutcome(check, bool(r.success), int(details.get("element_count") or len(frame)),
                                     int(details.get("unexpected_count") or len(rows)), rows))
    return outcomes


def record(con, run_id: str, suite_name: str, outcomes: list[CheckOutcome]) -> None:
    """Keep every result in audit.validation_results (the run's history, queryable by BI)."""
    if not outcomes:
        return
    now = dt.datetime.now()
    con.executemany(
        "insert into audit.validation_results values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(run_id, suite_name, o.check.name, o.check.severity, o.success, o.element_count, o.unexpected_count,
          json.dumps({"explain": o.check.explain, "first_rows": o.unexpected_rows[:20]}, ensure_ascii=False), now)
         for o in outcomes],
    )


def _plain(value):
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (pd.Timestamp, dt.date)):
        return value.isoformat()
    return value
