"""The docs that code can check stay true."""

from __future__ import annotations

import re

from ingestion.contract_docs import render
from tthc.config import REPO


def test_contracts_doc_is_generated_from_the_contracts():
    assert (REPO / "docs" / "contracts.md").read_text(encoding="utf-8") == render(), "run `tthc contracts-doc`"


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^make test\b", readme, re.M)
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_decision_records_linked_from_the_docs_exist():
    docs = "".join(p.read_text(encoding="utf-8") for p in (REPO / "docs").glob("*.md"))
    for link in set(re.findall(r"\(decisions/([\w-]+\.md)\)", docs)):
        assert (REPO / "docs" / "decisions" / link).exists(), link


MODEL_NAME = r"(?:base|stg|int|fct|dim|rpt)_\w+"


def _declared_models() -> dict[str, set[str]]:
    """Every model of the dbt project (by its SQL file), with the columns its YAML declares."""
    import yaml

    models = {p.stem: set() for p in (REPO / "dbt_project" / "models").rglob("*.sql")}
    for path in (REPO / "dbt_project" / "models").rglob("*.yml"):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            models.setdefault(model["name"], set()).update(c["name"] for c in model.get("columns", []))
    return models


def test_every_model_and_column_the_docs_name_exists():
    """docs/kpis.md traces each KPI from landing column to mart column: a renamed model or
    column must be renamed there too. The same holds for the other docs and the README."""
    models = _declared_models()
    pages = [*(REPO / "docs").glob("*.md"), REPO / "README.md"]
    named = {(page.name, m.group(1), m.group(2)) for page in pages
             for m in re.finditer(rf"`(?:\w+\.)?({MODEL_NAME})(?:\.(\w+))?`", page.read_text(encoding="utf-8"))}
    assert len({name for page, name, _ in named if page == "kpis.md"}) >= 25
    assert [(page, name) for page, name, _ in named if name not in models] == []
    assert [(page, f"{name}.{column}") for page, name, column in named
            if column and name in models and column not in models[name]] == []


def test_each_kpi_section_gives_its_chain():
    sections = re.split(r"^## ", (REPO / "docs" / "kpis.md").read_text(encoding="utf-8"), flags=re.M)
    kpis = [s for s in sections if re.match(r".*— `(fct|rpt)_", s)]
    assert len(kpis) >= 10 and all("**Chain.**" in s for s in kpis)
