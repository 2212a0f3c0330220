"""The dbt project keeps the dbt-project-evaluator's rules (dbt_project/dbt-bouncer.yml),
checked by dbt-bouncer on the session build's manifest and catalog; and the rules do catch
a breach of each kind this project was once in (docs/decisions/0019-dbt-project-rules.md)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from check_dbt_rules import check  # noqa: E402


def test_the_build_keeps_every_rule(built):
    done = check(built.dbt_target)
    assert done.returncode == 0, done.stdout + done.stderr


def _breach(built, tmp_path, change) -> str:
    """The checks' output on the build's artifacts after ``change(manifest)``."""
    target = tmp_path / "target"
    target.mkdir()
    shutil.copy(built.dbt_target / "catalog.json", target)
    manifest = json.loads((built.dbt_target / "manifest.json").read_text(encoding="utf-8"))
    change(manifest)
    (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    done = check(target)
    assert done.returncode != 0
    return done.stdout + done.stderr


def _node(manifest, name):
    return next(n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["name"] == name)


def _joins_the_load_manifest(manifest):  # as stg_portal__dossiers once did
    _node(manifest, "stg_portal__dossiers")["depends_on"]["nodes"] += ["source.tthc.portal.load_manifest",
                                                                        "source.tthc.portal.dossiers"]


def _reads_a_mart(manifest):  # as the dossier-period model once read dim_report_period
    _node(manifest, "int_unit_period_counts")["depends_on"]["nodes"].append("model.tthc.dim_report_period")


def _a_private_exposure_parent(manifest):
    manifest["exposures"]["exposure.tthc.dashboard"]["depends_on"]["nodes"].append("model.tthc.int_dossier_versions")


def _too_many_parents(manifest):  # as the KPI marts once joined seven dimensions
    _node(manifest, "fct_online_dossier_rate")["depends_on"]["nodes"] += [
        f"model.tthc.{m}" for m in ("dim_unit", "dim_unit_history", "dim_report_period", "dim_report_period_unit")]


def _leaf_fanout(manifest):  # as before rpt_open_findings read them: four marts no model reads, on dim_unit
    for name in ("rpt_dossier_watchlist", "rpt_dossiers_outside_the_report"):
        _node(manifest, "rpt_open_findings")["depends_on"]["nodes"].remove(f"model.tthc.{name}")


def _no_freshness(manifest):
    manifest["sources"]["source.tthc.portal.services"]["freshness"] = None
    manifest["sources"]["source.tthc.portal.services"]["config"]["freshness"] = None


@pytest.mark.parametrize("change, check_name", [
    (_joins_the_load_manifest, "check_model_depends_on_multiple_sources"),
    (_joins_the_load_manifest, "check_model_does_not_directly_join_to_source"),
    (_reads_a_mart, "check_lineage_permitted_upstream_models"),
    (_a_private_exposure_parent, "check_exposure_based_on_non_public_models"),
    (_too_many_parents, "check_model_too_many_joins"),
    (_leaf_fanout, "check_model_leaf_fanout"),
    (_no_freshness, "check_source_freshness_populated"),
])
def test_a_breach_fails_naming_its_rule(built, tmp_path, change, check_name):
    assert check_name in _breach(built, tmp_path, change)


def test_every_model_imports_its_relations_at_the_top():
    """Import CTEs (dbt's style guide): each ref() or source() of a model's own SQL is a
    `name as (select * from {{ ref(...) }} [where ...])` CTE, so that a reader sees every
    input at the top and the rest reads only names. Config blocks, pre-hooks and
    `-- depends_on:` hints are not the model's SQL."""
    from tthc.config import DBT_PROJECT

    import re

    outside = []
    for path in sorted((DBT_PROJECT / "models").rglob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        sql = re.sub(r"\{\{\s*config\((?:.|\n)*?\n\)\s*\}\}", "", sql)        # config and its hooks
        sql = re.sub(r"^\s*--.*$", "", sql, flags=re.M)                       # comments, depends_on hints
        for m in re.finditer(r"\{\{\s*(ref|source)\(", sql):
            line = sql[sql.rfind("\n", 0, m.start()) + 1: m.start()]
            if not re.fullmatch(r"\s*select \* from ", line):
                outside.append(f"{path.relative_to(DBT_PROJECT)}: {line.strip()}{{{{ {m.group(1)}(")
    assert outside == []
