"""Run checks with Great Expectations on DataFrames, keep the results, build Data Docs.

GX validates pandas DataFrames here: its SQL path on DuckDB returns empty metrics. It is
imported lazily and quietened, since importing it costs seconds and prints hundreds of lines.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
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


# The Data Docs index lists the latest validations only: GX reads every result it lists at each
# build, so an unbounded index costs more every day (every result stays in the store and in
# audit.validation_results).
INDEX_LIMIT = 100
# bumped when what _definitions() stores changes shape, so that stored definitions are replaced
DEFINITIONS_VERSION = 2


_CONTEXTS: dict[str, object] = {}


def _context(gx_project: str):
    """The file context of ``gx_project``, opened once per process (again if its folder was
    removed meanwhile)."""
    context = _CONTEXTS.get(gx_project)
    if context is None or not (Path(gx_project) / "gx" / "great_expectations.yml").exists():
        context = _CONTEXTS[gx_project] = _open_context(gx_project)
    return context


def _open_context(gx_project: str):
    gx = _gx()
    Path(gx_project).mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=gx_project)
    bars = context.variables.progress_bars
    if (bars.get("globally") if isinstance(bars, dict) else getattr(bars, "globally", None)) is not False:
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        context.variables.save()
    sites = copy.deepcopy(context.variables.data_docs_sites)
    index = sites["local_site"].setdefault("site_index_builder", {"class_name": "DefaultSiteIndexBuilder"})
    if index.get("validation_results_limit") != INDEX_LIMIT:
        index["validation_results_limit"] = INDEX_LIMIT
        context.variables.data_docs_sites = sites
        context.variables.save()
    return context


def _fingerprint(suite_name: str, checks: list[Check], id_columns: list[str]) -> str:
    spec = [DEFINITIONS_VERSION, suite_name, id_columns,
            [[c.name, c.expectation, c.kwargs, c.severity, c.explain] for c in checks]]
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()


def _checkpoint(context, suite_name: str, checks: list[Check], id_columns: list[str]):
    """The suite, its validation definition and checkpoint, as stored; written again only when
    the checks changed (GX's add_or_update compares and rewrites every expectation: seconds).
    The suite's meta holds the fingerprint of the checks and of what is stored beside them."""
    gx = _gx()
    fingerprint = _fingerprint(suite_name, checks, id_columns)
    try:
        if context.suites.get(suite_name).meta.get("fingerprint") == fingerprint:
            return context.checkpoints.get(suite_name)
    except Exception:   # not stored yet, or stored by an older version: written below
        pass
    source = context.data_sources.add_or_update_pandas("frames")
    asset = source.get_asset(suite_name) if suite_name in source.get_asset_names() else source.add_dataframe_asset(suite_name)
    batch = asset.get_batch_definition("whole") if "whole" in [b.name for b in asset.batch_definitions] else asset.add_batch_definition_whole_dataframe("whole")
    suite = gx.ExpectationSuite(name=suite_name, meta={"fingerprint": fingerprint})
    for check in checks:
        expectation = getattr(gx.expectations, check.expectation)(**check.kwargs, meta={"check": check.name, "severity": check.severity, "explain": check.explain})
        suite.add_expectation(expectation)
    suite = context.suites.add_or_update(suite)
    definition = context.validation_definitions.add_or_update(gx.ValidationDefinition(name=suite_name, data=batch, suite=suite))
    # no action: the Data Docs are built once for all of a step's validations (update_data_docs)
    return context.checkpoints.add_or_update(gx.Checkpoint(
        name=suite_name, validation_definitions=[definition], actions=[],
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": id_columns,
                       "partial_unexpected_count": 0},
    ))


# results validated but not yet in the Data Docs, per project
_UNDOCUMENTED: dict[str, list] = {}


def validate(gx_project: Path, suite_name: str, frame: pd.DataFrame, checks: list[Check], id_columns: list[str],
             docs: bool = True) -> list[CheckOutcome]:
    """Validate ``frame`` against ``checks`` as the suite ``suite_name``; the result is stored
    in the project's validation store; with ``docs`` the Data Docs site shows it at once,
    otherwise at the next ``update_data_docs``."""
    context = _context(str(gx_project))
    checkpoint = _checkpoint(context, suite_name, checks, id_columns)
    result = checkpoint.run(batch_parameters={"dataframe": frame})
    _UNDOCUMENTED.setdefault(str(gx_project), []).extend(result.run_results)
    if docs:
        update_data_docs(gx_project)
    validation = next(iter(result.run_results.values()))

    by_name = {r.expectation_config.meta["check"]: r for r in validation.results}
    outcomes = []
    for check in checks:   # in the checks' order (GX keeps its own): outcomes of two runs line up
        r = by_name[check.name]
        details = r.result or {}
        # the ids, and the failing value of a one-column check or the values of a compound key
        kept = {*id_columns, check.kwargs.get("column"), *check.kwargs.get("column_list", [])}
        rows = [{k: _plain(v) for k, v in row.items() if k in kept} for row in details.get("unexpected_index_list") or []]
        outcomes.append(CheckOutcome(check, bool(r.success), int(details.get("element_count") or len(frame)),
                                     int(details.get("unexpected_count") or len(rows)), rows))
    return outcomes


def update_data_docs(gx_project: Path) -> None:
    """Add the pages of the results validated since the last update to the Data Docs site, and
    its index (the latest INDEX_LIMIT validations): one build for all of a step's suites."""
    pending = _UNDOCUMENTED.pop(str(gx_project), [])
    if pending:
        _context(str(gx_project)).build_data_docs(resource_identifiers=pending)


def merge_outcomes(batches: list[list[CheckOutcome]]) -> list[CheckOutcome]:
    """One outcome per check from the outcomes of several batches of rows (each a list in the
    checks' order): passed only if it passed in every batch, counts summed, every failing row
    kept (each names the load it belongs to, which it quarantines)."""
    if len(batches) == 1:
        return batches[0]
    merged = []
    for per_check in zip(*batches):
        merged.append(CheckOutcome(per_check[0].check, all(o.success for o in per_check),
                                   sum(o.element_count for o in per_check), sum(o.unexpected_count for o in per_check),
                                   [row for o in per_check for row in o.unexpected_rows]))
    return merged


def record(con, run_id: str, suite_name: str, outcomes: list[CheckOutcome]) -> None:
    """Keep every result in audit.validation_results (the run's history, queryable by BI)."""
    if not outcomes:
        return
    from warehouse.database import insert_rows

    now = dt.datetime.now()
    insert_rows(con, "audit.validation_results", [
        {"run_id": run_id, "suite": suite_name, "expectation": o.check.name, "severity": o.check.severity,
         "success": o.success, "element_count": o.element_count, "unexpected_count": o.unexpected_count,
         "details": json.dumps({"explain": o.check.explain, "first_rows": [_shareable(r, o.check) for r in o.unexpected_rows[:20]]},
                               ensure_ascii=False),
         "validated_at": now}
        for o in outcomes])


def _shareable(row: dict, check: Check) -> dict:
    """A failing row as the published audit record may show it: a personal value left out
    (the ids find the row in raw.quarantine_issues, which is never published)."""
    return {k: v for k, v in row.items() if k != check.kwargs.get("column")} if check.personal else row


def _plain(value):
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (pd.Timestamp, dt.date)):
        return value.isoformat()
    return value
