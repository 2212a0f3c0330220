"""The portal's extracts after the 2025 reform carry the units in force on their day.

From 01/07/2025 every extract row names its unit's successor (seed unit_crosswalk_2025):
a merged commune's dossiers go on under the commune it became part of, with the volumes of
the old communes summed. Assumption, stated as such: the district tier's dossiers (the
district committee's and its land registration branch's, whose successors the register
does not know) pass to the communes on that district's land, one chosen per dossier, as
district procedures went to the communes in 2025. Provincial units with no known
successor keep their code: the reports list their rows as findings.
"""

from __future__ import annotations

import pandas as pd

from tthc.config import DBT_PROJECT

SEEDS = DBT_PROJECT / "seeds"


def recode(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with unit_code as in force on each row's extract_day."""
    crosswalk = pd.read_csv(SEEDS / "unit_crosswalk_2025.csv", dtype=str, keep_default_na=False)
    merger = pd.Timestamp(crosswalk.loc[crosswalk["old_code"] == "70", "valid_from"].iloc[0])  # the province's own row
    after = rows["extract_day"] >= merger
    if not after.any():
        return rows
    units = pd.read_csv(SEEDS / "units.csv", dtype=str, keep_default_na=False)
    successor = dict(crosswalk.loc[crosswalk["new_code"] != "", ["old_code", "new_code"]].to_numpy())
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
