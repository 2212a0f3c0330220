"""Report entries in GRIS and LRIS for the obligations in seed report_obligations.csv.

Calibrated to seed 000 §5: for quarter I/2022, 75 of 111 communes entered form II.01b,
107 entered II.05a and all 111 entered II.06; in LRIS only the planning and investment
department entered its indicators (94 of them), the other departments none yet. Each
period's entries come from the obligations and the units in force on its first day, so
after the 2025 reform today's communes and the successor departments enter them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from tthc.config import register_folder
from tthc.generator.reform import in_force

P_ENTERED = {"II.01b": 75 / 111, "II.05a": 107 / 111, "II.06": 1.0}
P_LRIS_ENTERED = {"DEP-KHDT": 0.98}  # others: P_LRIS_OTHER
P_LRIS_OTHER = 0.02
P_RETURNED = 0.03       # sent back for correction, and not yet entered again
ENTRY_WINDOW_DAYS = (-5, 25)  # entries come from a few days before the period ends to weeks after
COLUMNS = ["system", "form_code", "unit_code", "period_start", "period_end", "status", "submitted_at", "updated_at"]


def build_submissions(rng: np.random.Generator, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Every entry made within [start, end], for periods whose entry window reaches into it."""
    obligations = pd.read_csv(register_folder() / "report_obligations.csv", dtype=str, keep_default_na=False)
    frames = []
    for frequency, months in (("quarter", 3), ("month", 1)):
        due = obligations[obligations["frequency"] == frequency]
        for period_start in _periods(start - dt.timedelta(days=ENTRY_WINDOW_DAYS[1]), end, months):
            period_end = (pd.Timestamp(period_start) + pd.DateOffset(months=months) - pd.Timedelta(days=1)).date()
            frames.append(_entries(rng, due, period_start, period_end))
    entries = pd.concat(frames, ignore_index=True)
    when = entries["submitted_at"]
    keep = (when >= pd.Timestamp(start)) & (when < pd.Timestamp(end) + pd.Timedelta(days=1))
    return entries.loc[keep].sort_values(["submitted_at", "unit_code", "form_code"]).reset_index(drop=True)


def _periods(first: dt.date, last: dt.date, months: int) -> list[dt.date]:
    month = (first.month - 1) // months * months + 1
    day = dt.date(first.year, month, 1)
    out = []
    while day <= last:
        out.append(day)
        day = (pd.Timestamp(day) + pd.DateOffset(months=months)).date()
    return out


def _entries(rng, obligations: pd.DataFrame, period_start: dt.date, period_end: dt.date) -> pd.DataFrame:
    rows = []
    day = pd.Timestamp(period_start)
    obligations = obligations[(pd.to_datetime(obligations["valid_from"]) <= day)
                              & (obligations["valid_to"].eq("") | (pd.to_datetime(obligations["valid_to"].where(obligations["valid_to"] != "")) >= day))]
    # the communes of the platform's report then (the register also holds the former Đồng Nai's)
    units = in_force(day)
    communes = units.loc[(units["unit_kind"] == "commune") & units["section"].ne(""), "unit_code"].to_numpy()
    for ob in obligations.itertuples():
        who = communes if ob.unit_kind == "commune" else np.array([ob.unit_code])
        p = P_ENTERED.get(ob.form_code) if ob.system == "GRIS" else P_LRIS_ENTERED.get(ob.unit_code, P_LRIS_OTHER)
        for unit in who[rng.random(len(who)) < p]:
            rows.append((ob.system, ob.form_code, unit))
    frame = pd.DataFrame(rows, columns=["system", "form_code", "unit_code"])
    days = pd.to_timedelta(rng.integers(*ENTRY_WINDOW_DAYS, len(frame)), unit="D")
    minutes = pd.to_timedelta(rng.integers(7 * 60 + 30, 17 * 60, len(frame)), unit="m")  # office hours
    frame["period_start"] = period_start
    frame["period_end"] = period_end
    frame["submitted_at"] = pd.Timestamp(period_end) + days + minutes
    frame["status"] = np.where(rng.random(len(frame)) < P_RETURNED, "returned", "submitted")
    frame["updated_at"] = frame["submitted_at"]
    return frame[COLUMNS]
