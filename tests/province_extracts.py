"""Another province's extracts for the tests: the generator's (Đồng Nai's register: Bình
Phước's units) with every unit given a unit of that province's own register, of the same kind
and in force then, so that they pass that register's checks as the province's portal's would."""

from __future__ import annotations

import csv
from pathlib import Path

from tthc.config import register_folder

UNIT_COLUMNS = ("unit_code", "agency_code")
# the provincial units of Bình Phước's register all become departments elsewhere
AS_KIND = {"land_office": "department", "land_branch": "department", "service_centre": "department"}
LAST_DAY_BEFORE_REFORM = "2025-06-30"


def as_province(landing: Path, code: str, day: str) -> dict[str, str]:
    """Rewrite every extract under ``landing`` for province ``code``, units as on ``day``
    (ISO date); LRIS entries are dropped (the province assigns its own indicators, which its
    register does not hold). Returns the mapping used."""
    mapping = _mapping(code, day)
    for path in sorted(landing.glob("*/*.csv")):
        with open(path, encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            header, rows = reader.fieldnames, list(reader)
        rows = [r for r in rows if r.get("system") != "LRIS"]
        for row in rows:
            for column in UNIT_COLUMNS:
                if row.get(column):
                    row[column] = mapping[row[column]]
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, header)
            writer.writeheader()
            writer.writerows(rows)
    return mapping


def _mapping(code: str, day: str) -> dict[str, str]:
    def reported(folder: Path, province: str, day: str) -> dict[str, list[str]]:
        """The units the home reports on ``day``, by kind (the province itself among them)."""
        with open(folder / "unit_history.csv", encoding="utf-8") as f:
            rows = [r for r in csv.DictReader(f) if r["valid_from"] <= day and (not r["valid_to"] or day <= r["valid_to"])
                    and (r["section"] or r["unit_code"] == province)]
        kinds: dict[str, list[str]] = {}
        for r in sorted(rows, key=lambda r: r["unit_code"]):
            kinds.setdefault(AS_KIND.get(r["unit_kind"], r["unit_kind"]), []).append(r["unit_code"])
        return kinds

    with open(register_folder() / "home_province.csv", encoding="utf-8") as f:
        (generated,) = csv.DictReader(f)
    source = reported(register_folder(), generated["portal_province_code"], day)
    target = reported(register_folder(code), code, day)
    # a kind the day's structure lacks (districts after the reform: rows of ended units an
    # extract may still carry) takes the province's units of that kind on the reform's eve
    before = reported(register_folder(code), code, LAST_DAY_BEFORE_REFORM)
    with open(register_folder() / "units.csv", encoding="utf-8") as f:
        every = [(r["unit_code"], AS_KIND.get(r["unit_kind"], r["unit_kind"])) for r in csv.DictReader(f)]
    mapping = {}
    for unit, kind in every:
        place = source.get(kind, [])
        index = place.index(unit) if unit in place else len(mapping)
        units = target.get(kind) or before[kind]
        mapping[unit] = units[index % len(units)]
    return mapping
