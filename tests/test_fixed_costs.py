"""What a daily run no longer pays each time (docs/decisions/0021-fixed-costs-off-the-daily-path.md):
dbt docs generated and dbt's unit tests run only when what they depend on changed, dbt's
saved parse reused by the next build, Great Expectations' suites written only when their
checks change."""

from __future__ import annotations

import shutil

import pandas as pd

import tthc.config
import tthc.dbt
import tthc.pipeline as pipeline
from expectations.runner import INDEX_LIMIT, update_data_docs, validate
from expectations.suites import Check
from tthc.config import DBT_PROJECT
from tthc.dbt import project_fingerprint
from warehouse.database import connect

MARK = "A description changed by test_fixed_costs."


def _dbt_log_since(paths, offset: int) -> str:
    with open(paths.home / "logs" / "dbt" / "dbt.log", "rb") as f:
        f.seek(offset)
        return f.read().decode("utf-8", errors="replace")


def test_a_build_reuses_dbts_saved_parse_runs_unit_tests_only_for_a_changed_project_and_keeps_the_docs(copy_of_built):
    """The next build finds nothing changed and skips parsing (no --vars, target path or
    environment in the project that would defeat it); the unit tests, whose inputs are fixed,
    run only when the project changed since they passed; the docs, already of this project
    and these columns, are kept as they are, without calling dbt."""
    paths = copy_of_built
    log = paths.home / "logs" / "dbt" / "dbt.log"
    stamp = paths.dbt_target / pipeline.UNIT_TESTS_STAMP
    assert stamp.read_text(encoding="utf-8") == project_fingerprint()   # the session's build ran them
    offset = log.stat().st_size
    pipeline.build(paths, echo=lambda *_: None)
    built = _dbt_log_since(paths, offset)
    # dbt's check includes the profile's connection values: the copy's warehouse is elsewhere
    said = [line for line in built.splitlines() if "parsing" in line.lower()]
    assert any("Unable to do partial parsing because profile has changed" in line for line in said), said
    assert "START unit_test" not in built and "START test" in built   # the data tests still run

    stamp.write_text("the project of an earlier deploy", encoding="utf-8")
    offset = log.stat().st_size
    pipeline.build(paths, echo=lambda *_: None)
    built = _dbt_log_since(paths, offset)
    said = [line for line in built.splitlines() if "parsing" in line.lower()]
    assert any("Partial parsing enabled, no changes found, skipping parsing" in line for line in said), said
    assert built.count("START unit_test") >= 10 and stamp.read_text(encoding="utf-8") == project_fingerprint()

    docs = paths.dbt_docs.stat().st_mtime_ns
    offset, said = log.stat().st_size, []
    pipeline.document(paths, echo=said.append)
    assert paths.dbt_docs.stat().st_mtime_ns == docs
    assert "Running with dbt" not in _dbt_log_since(paths, offset)
    assert said and "are current" in said[0]


def test_the_docs_fingerprint_follows_the_columns_not_the_rows(copy_of_built):
    paths = copy_of_built
    before = pipeline.docs_fingerprint(paths)
    with connect(paths.warehouse) as con:   # a day's rows: nothing the docs show
        con.execute("insert into audit.validation_results select * from audit.validation_results")
    assert pipeline.docs_fingerprint(paths) == before
    with connect(paths.warehouse) as con:   # a column more: the catalog shows it
        con.execute("alter table audit.validation_results add column reviewer varchar")
    assert pipeline.docs_fingerprint(paths) != before


def test_the_docs_are_generated_again_when_a_model_changes(copy_of_built, tmp_path, monkeypatch):
    paths = copy_of_built
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT, project, ignore=shutil.ignore_patterns("target", "logs", ".*"))
    models = project / "models" / "marts" / "_marts__models.yml"
    text = models.read_text(encoding="utf-8")
    old = "      Every KPI in one long table"
    assert old in text
    models.write_text(text.replace(old, f"      {MARK} Every KPI in one long table"), encoding="utf-8")
    monkeypatch.setattr(tthc.config, "DBT_PROJECT", project)
    monkeypatch.setattr(tthc.dbt, "DBT_PROJECT", project)

    assert MARK not in paths.dbt_docs.read_text(encoding="utf-8")
    pipeline.document(paths, echo=lambda *_: None)
    assert MARK in paths.dbt_docs.read_text(encoding="utf-8")
    docs = paths.dbt_docs.stat().st_mtime_ns
    pipeline.document(paths, echo=lambda *_: None)   # and the next run keeps them
    assert paths.dbt_docs.stat().st_mtime_ns == docs


def test_docs_missing_or_forced_are_generated(copy_of_built):
    paths = copy_of_built
    paths.dbt_docs.unlink()
    pipeline.document(paths, echo=lambda *_: None)
    assert "fct_kpi_scorecard" in paths.dbt_docs.read_text(encoding="utf-8")


def test_a_suite_is_written_once_and_again_when_its_checks_change(tmp_path):
    frame = pd.DataFrame({"id": [1, 2, 3], "a": [1.0, 5.0, None]})
    present = Check("a_present", "ExpectColumnValuesToNotBeNull", {"column": "a"}, explain="a is there")
    small = Check("a_small", "ExpectColumnValuesToBeBetween", {"column": "a", "max_value": 2}, explain="a <= 2")
    suite_file = tmp_path / "gx" / "expectations" / "t_load.json"

    first = validate(tmp_path, "t_load", frame, [present], ["id"], docs=False)
    written = suite_file.stat().st_mtime_ns
    again = validate(tmp_path, "t_load", frame, [present], ["id"], docs=False)
    assert suite_file.stat().st_mtime_ns == written   # unchanged checks: the stored suite is used
    assert [(o.check.name, o.success, [r["id"] for r in o.unexpected_rows]) for o in again] == \
           [(o.check.name, o.success, [r["id"] for r in o.unexpected_rows]) for o in first] == [("a_present", False, [3])]

    changed = validate(tmp_path, "t_load", frame, [present, small], ["id"], docs=False)
    assert {o.check.name: [r["id"] for r in o.unexpected_rows] for o in changed} == {"a_present": [3], "a_small": [2]}
    assert "a_small" in suite_file.read_text(encoding="utf-8")

    # the three validations reach the Data Docs in one build, with an index of bounded length
    update_data_docs(tmp_path)
    site = tmp_path / "gx" / "uncommitted" / "data_docs" / "local_site"
    assert "t_load" in (site / "index.html").read_text(encoding="utf-8")
    assert len(list((site / "validations" / "t_load").rglob("*.html"))) == 3
    config = (tmp_path / "gx" / "great_expectations.yml").read_text(encoding="utf-8")
    assert f"validation_results_limit: {INDEX_LIMIT}" in config
