"""Where things live. One environment variable, TTHC_HOME, moves all of it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DBT_PROJECT = REPO / "dbt_project"


@dataclass(frozen=True)
class Paths:
    home: Path

    @property
    def landing(self) -> Path:
        """Files as delivered; never changed by the platform."""
        return Path(os.environ.get("TTHC_LANDING", self.home / "landing"))

    @property
    def warehouse(self) -> Path:
        """The DuckDB file being built. One writer at a time; readers use ``published``."""
        return self.home / "warehouse" / "tthc.duckdb"

    @property
    def published(self) -> Path:
        """The copy readers (BI tools, the dashboard) open: marts and audit only, no personal data."""
        return self.home / "published" / "tthc.duckdb"

    @property
    def parquet(self) -> Path:
        """The published tables as Parquet files, <schema>/<table>.parquet (a link swapped at each publish)."""
        return self.published.parent / "parquet"

    @property
    def reports(self) -> Path:
        """The Excel reports, bao_cao_<period_id>.xlsx, one per period asked for."""
        return self.published.parent / "reports"

    @property
    def dashboard(self) -> Path:
        """The static HTML dashboard, rewritten by every run."""
        return self.published.parent / "dashboard.html"

    @property
    def dbt_docs(self) -> Path:
        """dbt's documentation site of the models, as one self-contained HTML file."""
        return self.published.parent / "dbt_docs.html"

    @property
    def dbt_target(self) -> Path:
        """dbt's artifacts of the DuckDB build (manifest, catalog, the docs site before it is copied)."""
        return self.home / "dbt_target"

    @property
    def confirmed_aliases(self) -> Path:
        """Unit names the office confirmed once (`tthc units alias add`): alias, code, who, when."""
        return self.home / "reference" / "unit_aliases_confirmed.csv"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def gx_project(self) -> Path:
        """Great Expectations' file context: validation history and the Data Docs site."""
        return self.home / "gx"

    @property
    def data_docs(self) -> Path:
        return self.gx_project / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"

    def ensure(self) -> "Paths":
        for path in (self.landing, self.warehouse.parent, self.published.parent, self.quarantine, self.gx_project):
            path.mkdir(parents=True, exist_ok=True)
        return self


def paths() -> Paths:
    return Paths(Path(os.environ.get("TTHC_HOME", REPO / "data")).resolve())
