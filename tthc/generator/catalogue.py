"""The service catalogue and its changes, with seed 000's counts per tier and level (§II):

province 1.446 (level 2: 109, 3: 115, 4: 1.222); district 244 own (18 / 47 / 179) plus 97
inter-connected; commune 94 own (6 / 31 / 57) plus 53 inter-connected (36 labour, 17
natural resources). Inter-connected services are provincial procedures also provided at
the lower tier, so they keep their provincial code: level-3/4 codes number 1.651, as printed.

The catalogue changes: on the first day of each month a few level-3 services become
level 4 (the count of level-3/4 services stays 1.651), and from 01/07/2022 the portal
grades services on the new scale, toàn trình (full) or một phần (partial).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

PROVINCE_LEVELS = {2: 109, 3: 115, 4: 1222}
DISTRICT_LEVELS = {2: 18, 3: 47, 4: 179}
COMMUNE_LEVELS = {2: 6, 3: 31, 4: 57}
DISTRICT_INTERCONNECTED = 97
COMMUNE_INTERCONNECTED = {"LD": 36, "TN": 17}  # labour, natural resources and environment
MONTHLY_UPGRADE_SHARE = 0.03  # of level-3 services that become level 4 on the first of a month
NEW_SCALE_FROM = dt.date(2022, 7, 1)  # Decree 42/2022/NĐ-CP: toàn trình / một phần

# Provincial services per department: appendix 1 where it lists the department, else a
# small share. Land-registration branches handle the natural-resources department's services.
DEPARTMENT_WEIGHTS = {
    "DEP-NNPTNT": 75, "DEP-XD": 50, "DEP-GDDT": 84, "DEP-TP": 150, "DEP-TNMT": 110,
    "DEP-YT": 160, "DEP-SCT": 120, "DEP-GTVT": 130, "DEP-KHDT": 110, "DEP-LDTBXH": 85,
    "DEP-VHTTDL": 120, "DEP-TTTT": 45, "DEP-NV": 80, "DEP-KHCN": 60, "DEP-TC": 30,
    "DEP-NGV": 10, "DEP-BQLKKT": 40, "DEP-TTDVVL": 6, "DEP-CA": 40, "DEP-BHXH": 20, "DEP-CT": 15,
}
FIELDS = {
    "DEP-NNPTNT": "NN", "DEP-XD": "XD", "DEP-GDDT": "GD", "DEP-TP": "TP", "DEP-TNMT": "TN",
    "DEP-YT": "YT", "DEP-SCT": "CT", "DEP-GTVT": "GT", "DEP-KHDT": "KH", "DEP-LDTBXH": "LD",
    "DEP-VHTTDL": "VH", "DEP-TTTT": "TT", "DEP-NV": "NV", "DEP-KHCN": "KC", "DEP-TC": "TC",
    "DEP-NGV": "NG", "DEP-BQLKKT": "KT", "DEP-TTDVVL": "LD", "DEP-CA": "CA", "DEP-BHXH": "BH", "DEP-CT": "TH",
}


def build_catalogue(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    departments = list(DEPARTMENT_WEIGHTS)
    weights = np.array([DEPARTMENT_WEIGHTS[d] for d in departments], dtype=float)
    province_levels = _levels(rng, PROVINCE_LEVELS)
    owners = rng.choice(departments, size=len(province_levels), p=weights / weights.sum())
    for i, (level, agency) in enumerate(zip(province_levels, owners)):
        rows.append(_service(rng, f"1.{i + 1:06d}", "province", agency, level, FIELDS[agency], days=(3, 20)))
    province = pd.DataFrame(rows)

    for i, level in enumerate(_levels(rng, DISTRICT_LEVELS)):
        rows.append(_service(rng, f"2.{i + 1:06d}", "district", None, level, rng.choice(["DD", "HT", "XD", "KD"]), days=(5, 30)))
    for code in rng.choice(province["service_code"], size=DISTRICT_INTERCONNECTED, replace=False):
        rows.append(_interconnected(province, code, "district"))
    for i, level in enumerate(_levels(rng, COMMUNE_LEVELS)):
        rows.append(_service(rng, f"3.{i + 1:06d}", "commune", None, level, rng.choice(["HT", "CT", "DD"]), days=(1, 5)))
    for field, count in COMMUNE_INTERCONNECTED.items():
        pool = province.loc[province["field_code"] == field, "service_code"]
        for code in rng.choice(pool, size=count, replace=len(pool) < count):
            rows.append(_interconnected(province, code, "commune"))
    return pd.DataFrame(rows).drop_duplicates(["service_code", "tier"]).reset_index(drop=True)


def _levels(rng: np.random.Generator, counts: dict[int, int]) -> np.ndarray:
    levels = np.concatenate([np.full(n, level) for level, n in counts.items()])
    return rng.permutation(levels)


def _service(rng, code, tier, agency, level, field, days) -> dict:
    return {
        "service_code": code,
        "service_name": f"Thủ tục {field} {code}",
        "field_code": field,
        "tier": tier,
        "agency_code": agency,
        "online_level": int(level),
        "fee_required": bool(rng.random() < 0.35),
        "interconnected": False,
        "processing_days": int(rng.integers(days[0], days[1] + 1)),
    }


def _interconnected(province: pd.DataFrame, code: str, tier: str) -> dict:
    base = province.loc[province["service_code"] == code].iloc[0].to_dict()
    return base | {"tier": tier, "agency_code": None, "interconnected": True}


def catalogue_deliveries(rng: np.random.Generator, catalogue: pd.DataFrame, start: dt.date, end: dt.date) -> dict[dt.date, pd.DataFrame]:
    """The catalogue as delivered on ``start`` and on each day in (start, end] on which it changed."""
    deliveries = {start: catalogue}
    current = catalogue.copy()
    day = dt.date(start.year, start.month, 1)
    while True:
        day = (day + dt.timedelta(days=32)).replace(day=1)
        if day > end:
            break
        current = current.copy()
        if day >= NEW_SCALE_FROM and "online_scope" not in current:
            current["online_scope"] = current["online_level"].map({4: "full", 3: "partial"})
            current["online_level"] = None
        elif "online_scope" in current:
            _upgrade(rng, current, "online_scope", "partial", "full")
        else:
            _upgrade(rng, current, "online_level", 3, 4)
        deliveries[day] = current
    return deliveries


def _upgrade(rng: np.random.Generator, catalogue: pd.DataFrame, column: str, old, new) -> None:
    """Move a few services from ``old`` to ``new``; a service provided at two tiers changes at both."""
    codes = catalogue.loc[catalogue[column] == old, "service_code"].unique()
    upgraded = rng.choice(codes, size=int(len(codes) * MONTHLY_UPGRADE_SHARE), replace=False)
    catalogue.loc[catalogue["service_code"].isin(upgraded) & (catalogue[column] == old), column] = new
