"""The dbt docs a run writes: every model and column described, and exposures that name
exactly the marts their readers read: the Excel report, the dashboard, the command line and
the BI users the README and docs/kpis.md write for."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from tthc.config import DBT_PROJECT, REPO

READERS = {  # exposure -> the code that reads the marts for it
    "excel_report": [REPO / "warehouse" / "report_sheets.py", REPO / "warehouse" / "excel_report.py"],
    "dashboard": [REPO / "warehouse" / "dashboard.py"],
    "command_line": [REPO / "tthc" / name for name in ("cli.py", "demo.py", "pipeline.py", "scorecard.py")]
                    + [REPO / "warehouse" / "status.py"],
    "bi_users": [REPO / "README.md", REPO / "docs" / "kpis.md"],
}


def test_each_run_writes_the_docs_with_the_exposures(built):
    html = built.dbt_docs.read_text(encoding="utf-8")
    assert "exposure.tthc.excel_report" in html and "exposure.tthc.dashboard" in html
    assert "fct_kpi_scorecard" in html and "<script" in html  # the static site: one file, data inside


def test_every_model_and_every_column_is_described(built):
    """Columns as built (dbt's catalog), not only as declared: a new column without a line fails."""
    target = built.dbt_target
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    catalog = json.loads((target / "catalog.json").read_text(encoding="utf-8"))
    models = {uid: n for uid, n in manifest["nodes"].items() if n["resource_type"] == "model"}
    undescribed = [n["name"] for n in models.values() if not n["description"].strip()]
    undescribed += [f"{n['name']}.{column}" for uid, n in models.items()
                    for column in catalog["nodes"][uid]["columns"]
                    if not n["columns"].get(column.lower(), {}).get("description", "").strip()]
    assert undescribed == []
    assert set(models) <= set(catalog["nodes"]) and sum(n["schema"] == "marts" for n in models.values()) > 20


def test_exposures_name_the_marts_their_code_reads():
    exposures = yaml.safe_load((DBT_PROJECT / "models" / "marts" / "_marts__exposures.yml").read_text(encoding="utf-8"))["exposures"]
    declared = {e["name"]: {re.fullmatch(r"ref\('(\w+)'\)", d).group(1) for d in e["depends_on"]} for e in exposures}
    read = {name: {m for path in paths for m in re.findall(r"\bmarts\.(\w+)", Path(path).read_text(encoding="utf-8"))}
            for name, paths in READERS.items()}
    assert declared == read
