"""The 34 provinces since 01/07/2025 and the province homes of a national deployment.

The codes and names are those of the 2025 arrangement (provinces_2025.csv, taken from the
data of vietnamadminunits 1.0.3 by tools/build_province_list.py, as the commune crosswalk in
the dbt seeds is). A province home is TTHC_HOME/provinces/<code>: a home like the
single-province one (decision 0023).
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

PROVINCES_CSV = Path(__file__).with_name("provinces_2025.csv")


@cache
def provinces() -> dict[str, str]:
    """Province code -> name, e.g. '75' -> 'Tỉnh Đồng Nai'."""
    with open(PROVINCES_CSV, encoding="utf-8", newline="") as f:
        return {row["province_code"]: row["province_name"] for row in csv.DictReader(f)}


def check_province(code: str) -> str:
    """``code`` if it is one of the 34 provinces' codes; otherwise a ValueError that says which are."""
    if code not in provinces():
        known = ", ".join(f"{c} {n}" for c, n in provinces().items())
        raise ValueError(f"{code!r} is not the code of a province since 01/07/2025 ({PROVINCES_CSV.name}): "
                         f"use two digits, one of {known}")
    return code


def province_folders(root: Path) -> list[tuple[str, Path]]:
    """(code, folder) of every province home under ``root``/provinces, by code. A folder
    whose name is not a province code is an error, not skipped: its data would be left out
    of the national figures without anyone knowing."""
    folder = root / "provinces"
    if not folder.is_dir():
        return []
    found = []
    for home in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        try:
            found.append((check_province(home.name), home))
        except ValueError as exc:
            raise ValueError(f"{home}: {exc}") from None
    return found


# -- what Airflow calls a home's things (dags/) -------------------------------------------------

WRITER_POOL = "tthc_warehouse_writer"   # one slot: DuckDB lets one process write a warehouse


def writer_pool(province: str | None) -> str:
    """The one-slot pool of a home's writing tasks: the single home's, or a province home's
    (provinces write different files, so they run side by side)."""
    return WRITER_POOL if province is None else f"{WRITER_POOL}_{province}"


def published_asset_uri(code: str) -> str:
    """The Airflow asset a province home's runs update when they publish: it triggers tthc_national."""
    return f"tthc://provinces/{code}/published"
