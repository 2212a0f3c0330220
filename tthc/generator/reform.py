"""The portal's extracts after the 2025 reform carry the units in force on their day.

From 01/07/2025 every extract row names its unit's successor (seed unit_crosswalk_2025):
a merged commune's dossiers go on under the commune it became part of, with the volumes of
the old communes summed. Assumption, stated as such: the district tier's dossiers (the
district committee's and its land registration branch's, whose successors the register
does not know) pass to the communes on that district's land, one chosen per dossier, as
district procedures went to the communes in 2025. Provincial units with no known
successor keep their code: the reports list their rows as findings. Payments follow their
dossier. The former Đồng Nai's portal is not ours and its volumes are not known to us:
from the reform day each of its old communes receives like the median Bình Phước commune
(seed 000's appendix 2), at the Bình Phước communes' online share, so that today's 55
communes and wards on its land have dossiers in proportion to the communes they absorbed;
its departments' volumes are not added (today's departments receive Bình Phước's). The catalogue delivered from the reform day names the successor departments as
agencies and lists the district tier's services at the commune tier (the same assumption).
"""

from __future__ import annotations

import pandas as pd

from tthc.config import register_folder

# the generator is calibrated on Bình Phước's units: it writes Đồng Nai's home's extracts
SEEDS = register_folder()


def _crosswalk() -> pd.DataFrame:
    return pd.read_csv(SEEDS / "unit_crosswalk_2025.csv", dtype=str, keep_default_na=False)


def reform_day() -> pd.Timestamp:
    """The day the merged province began: the province's own row of the crosswalk."""
    crosswalk = _crosswalk()
    return pd.Timestamp(crosswalk.loc[crosswalk["old_code"] == "70", "valid_from"].iloc[0])


def _successors() -> dict[str, str]:
    crosswalk = _crosswalk()
    return dict(crosswalk.loc[crosswalk["new_code"] != "", ["old_code", "new_code"]].to_numpy())


def in_force(day: pd.Timestamp | str) -> pd.DataFrame:
    """The register's unit versions in force on ``day`` (seed unit_history)."""
    history = pd.read_csv(SEEDS / "unit_history.csv", dtype=str, keep_default_na=False)
    day = pd.Timestamp(day)
    ended = history["valid_to"].ne("") & (pd.to_datetime(history["valid_to"].where(history["valid_to"] != "")) < day)
    return history[(pd.to_datetime(history["valid_from"]) <= day) & ~ended]


def absorbed_communes(calibration: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Calibration rows for the former Đồng Nai's old communes (the register's communes that
    had no place in Bình Phước's reports and that the crosswalk maps onto today's), each at
    the median Bình Phước commune's volume and the communes' online share."""
    ours = calibration.merge(units.loc[units["unit_kind"] == "commune", ["unit_code"]], on="unit_code")
    share = ours["online_90d"].sum() / ours["received_90d"].sum()
    median = float(ours["received_90d"].median())
    crosswalk = _crosswalk()
    history = pd.read_csv(SEEDS / "unit_history.csv", dtype=str, keep_default_na=False)
    before = history[(history["unit_kind"] == "commune") & (pd.to_datetime(history["valid_from"]) < reform_day())]
    former = sorted(set(before.loc[before["section"] == "", "unit_code"]) & set(crosswalk.loc[crosswalk["new_code"] != "", "old_code"]))
    return pd.DataFrame({"unit_code": former, "received_90d": round(median), "online_90d": round(median * share),
                         "source": "assumed: the median Bình Phước commune (tthc/generator/reform.py)"})


def catalogue_in_force(catalogue: pd.DataFrame, day) -> pd.DataFrame:
    """The catalogue as the portal lists it on ``day``: from the reform day, agencies by their
    successors (those with none known keep their code) and no district tier: a district
    service is listed at the commune tier, unless the commune tier already lists that code."""
    if pd.Timestamp(day) < reform_day():
        return catalogue
    out = catalogue.copy()
    successor = _successors()
    out["agency_code"] = out["agency_code"].map(lambda code: successor.get(code, code) if isinstance(code, str) else code)
    at_commune = set(out.loc[out["tier"] == "commune", "service_code"])
    district = out["tier"] == "district"
    out = out[~(district & out["service_code"].isin(at_commune))].copy()
    out.loc[out["tier"] == "district", "tier"] = "commune"
    return out.reset_index(drop=True)


def recode(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` (with dossier_code, unit_code and extract_day) with unit_code as in force on
    each row's extract_day: the same unit for every row of one dossier."""
    merger = reform_day()
    after = rows["extract_day"] >= merger
    if not after.any():
        return rows
    units = pd.read_csv(SEEDS / "units.csv", dtype=str, keep_default_na=False)
    successor = _successors()
    communes = units[(units["unit_kind"] == "commune") & (units["section"] != "")]
    on_land = {district: sorted({successor[c] for c in group["unit_code"] if c in successor})
               for district, group in communes.groupby("district_code")}
    district_of = dict(units.loc[units["unit_kind"].isin(["district", "land_branch"]), ["unit_code", "district_code"]].to_numpy())

    rows = rows.copy()
    codes = rows.loc[after, "unit_code"]
    mapped = codes.map(successor)
    tier_gone = mapped.isna() & codes.isin(list(district_of))
    if tier_gone.any():
        # one commune per dossier, the same on every row of it
        pick = pd.util.hash_pandas_object(rows.loc[after, "dossier_code"][tier_gone], index=False).to_numpy()
        choices = [on_land[district_of[c]] for c in codes[tier_gone]]
        mapped[tier_gone] = [options[h % len(options)] for options, h in zip(choices, pick)]
    rows.loc[after, "unit_code"] = mapped.fillna(codes)
    return rows
