"""Where things live. One environment variable, TTHC_HOME, moves all of it.

A national deployment keeps one province home per province under TTHC_HOME/provinces/<code>
(the code among the 34 provinces since 2025, warehouse/provinces_2025.csv), each a home like
the single-province one, and the national roll-up of their published marts under
TTHC_HOME/national (warehouse/national.py, decision 0023). ``--province`` or TTHC_PROVINCE
picks a province home; without either, TTHC_HOME itself is the home (the demo's single province).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DBT_PROJECT = REPO / "dbt_project"


DEFAULT_PROVINCE = "75"  # the single-province home: Đồng Nai (Bình Phước's portal since 01/07/2025)
# Each province's unit register (units, their history, the 2025 crosswalk, aliases, report
# obligations, the home's province): dbt's seeds of that province's build (decision 0025)
REGISTERS = DBT_PROJECT / "registers"


class NoRegister(LookupError):
    pass


def register_folder(province: str | None = None) -> Path:
    """The unit register of ``province`` (a code of warehouse/provinces_2025.csv; the single
    home's, Đồng Nai's, by default)."""
    folder = REGISTERS / (province or DEFAULT_PROVINCE)
    if not (folder / "units.csv").exists():
        raise NoRegister(f"no unit register for province {province}: {folder} holds none. Build it with "
                         "tools/build_province_registers.py, or write its CSV files as docs/operations.md says "
                         "(A national deployment: add a province)")
    return folder


@dataclass(frozen=True)
class Paths:
    home: Path
    province: str | None = None  # the province code of a province home of a national deployment

    @property
    def province_code(self) -> str:
        """The province whose portal delivers this home's extracts: recorded with every load."""
        return self.province or DEFAULT_PROVINCE

    @property
    def register(self) -> Path:
        """The unit register this home builds with and checks its extracts against."""
        return register_folder(self.province)

    @property
    def landing(self) -> Path:
        """Files as delivered; never changed by the platform. TTHC_LANDING moves it; a province
        home's is then TTHC_LANDING/provinces/<code>."""
        moved = os.environ.get("TTHC_LANDING")
        if moved and self.province:
            return Path(moved) / "provinces" / self.province
        return Path(moved) if moved else self.home / "landing"

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


def root() -> Path:
    """TTHC_HOME: the home of a single-province deployment, or the root of a national one."""
    return Path(os.environ.get("TTHC_HOME", REPO / "data")).resolve()


def province_home(national_root: Path, code: str) -> Paths:
    """The province home of ``code`` in a national deployment rooted at ``national_root``."""
    return Paths(national_root / "provinces" / code, province=code)


def paths(province: str | None = None) -> Paths:
    """The home to work in: the province home of ``province`` (or of TTHC_PROVINCE) under
    TTHC_HOME/provinces, else TTHC_HOME itself."""
    code = province or os.environ.get("TTHC_PROVINCE") or None
    if code is None:
        return Paths(root())
    from warehouse.provinces import check_province

    return province_home(root(), check_province(code))
