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
