"""Online payments of the generated dossiers, and their daily extract rows.

Two kinds, as appendix 5 of seed 000 reports them: fees (phí, lệ phí) paid on the portal
for online dossiers whose procedure carries one, and land financial obligations paid by
the land-registration branches' applicants through the national portal (seed 000:
26.653 transactions, 165,1 billion VND over 01/01–15/05/2022, about 6,2 million each).
Every transaction belongs to a dossier with a fee; a dossier is ``paid_online`` exactly
when one of its transactions was paid. A few attempts are cancelled before a second,
successful one; a few paid transactions are refunded days later.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

P_LAND_PAID_ONLINE = 0.5   # land-branch dossiers with a fee paid online: about 26.653 from 01/01 to 15/05/2022
P_CANCELLED_FIRST = 0.03   # a first attempt cancelled before the paid one
P_REFUNDED = 0.01
P_CONFIRMED_NEXT_DAY = 0.05  # the bank confirms the next day: pending at the end of the first
FEES_VND = np.array([10_000, 20_000, 50_000, 100_000, 150_000, 200_000, 500_000, 1_000_000])
LAND_MEDIAN_VND = 3_000_000  # lognormal; with sigma 1.2 the mean is about 6,2 million
CHANNELS = np.array(["VNPT Pay", "Payoo", "VietinBank", "Vietcombank", "Agribank", "BIDV"])
COLUMNS = ["transaction_id", "dossier_code", "unit_code", "kind", "amount_vnd", "status", "created_at", "paid_at",
           "refunded_at", "channel", "updated_at"]


def mark_land_obligations(rng: np.random.Generator, dossiers: pd.DataFrame) -> pd.Series:
    """Which dossiers' land financial obligation is paid online (land branches' dossiers with a fee)."""
    land = (dossiers["unit_kind"] == "land_branch") & dossiers["fee_required"].astype(bool)
    return land & (rng.random(len(dossiers)) < P_LAND_PAID_ONLINE)


def build_transactions(rng: np.random.Generator, dossiers: pd.DataFrame, land_paid: pd.Series) -> pd.DataFrame:
    """One row per transaction with its whole life: created, paid, refunded (NaT where it never happens)."""
    fee = dossiers.loc[dossiers["paid_online"].astype(bool) & ~land_paid]
    land = dossiers.loc[land_paid]
    # A fee is paid with the online submission; a land obligation once the tax notice comes, days after receipt.
    fee_created = fee["received_at"] - pd.to_timedelta(rng.integers(5, 120, len(fee)), unit="m")
    land_created = land["received_at"] + pd.to_timedelta(rng.integers(1, 4, len(land)), unit="D") \
        + pd.to_timedelta(rng.integers(0, 8 * 60, len(land)), unit="m")
    paid = pd.concat([
        _transactions(fee, "fee", fee_created, rng.choice(FEES_VND, len(fee))),
        _transactions(land, "land_obligation", land_created,
                      np.round(rng.lognormal(np.log(LAND_MEDIAN_VND), 1.2, len(land)), -3).astype(np.int64)),
    ], ignore_index=True)
    next_day = pd.to_timedelta((rng.random(len(paid)) < P_CONFIRMED_NEXT_DAY).astype(int), unit="D")
    paid["paid_at"] = paid["created_at"] + next_day + pd.to_timedelta(rng.integers(30, 900, len(paid)), unit="s")
    refunded = rng.random(len(paid)) < P_REFUNDED
    paid["refunded_at"] = (paid["paid_at"] + pd.to_timedelta(rng.integers(1, 10, len(paid)), unit="D")).where(refunded)

    first = paid.loc[rng.random(len(paid)) < P_CANCELLED_FIRST].copy()
    first["transaction_id"] = first["transaction_id"].str.replace(r"-1$", "-0", regex=True)
    first["created_at"] = first["created_at"] - pd.Timedelta(minutes=20)
    first["paid_at"] = pd.NaT
    first["refunded_at"] = pd.NaT
    first["cancelled_at"] = first["created_at"] + pd.Timedelta(minutes=15)
    paid["cancelled_at"] = pd.NaT
    out = pd.concat([paid, first], ignore_index=True)
    out["channel"] = rng.choice(CHANNELS, len(out))
    return out


def _transactions(dossiers: pd.DataFrame, kind: str, created: pd.Series, amounts: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({
        "transaction_id": "PAY-" + dossiers["dossier_code"].to_numpy() + ("-L-1" if kind == "land_obligation" else "-F-1"),
        "dossier_code": dossiers["dossier_code"].to_numpy(),
        "unit_code": dossiers["unit_code"].to_numpy(),
        "kind": kind,
        "amount_vnd": amounts,
        "created_at": created.dt.floor("s").to_numpy(),
    })


def extract_rows(transactions: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """One row per (transaction, day it changed) within [start, end], with its state at the day's end.
    Transactions whose whole life ended before ``start`` are not in any extract."""
    events = []
    for column, status in (("created_at", "pending"), ("paid_at", "paid"), ("cancelled_at", "cancelled"),
                           ("refunded_at", "refunded")):
        when = transactions[column]
        e = pd.DataFrame({"idx": transactions.index, "time": when, "status": status}).dropna(subset=["time"])
        events.append(e)
    events = pd.concat(events).sort_values(["idx", "time"])
    events["day"] = events["time"].dt.normalize()
    events = events[(events["day"] >= pd.Timestamp(start)) & (events["day"] <= pd.Timestamp(end))]
    last = events.groupby(["idx", "day"], sort=False).tail(1)
    rows = transactions.loc[last["idx"]].reset_index(drop=True)
    rows["status"] = last["status"].to_numpy()
    rows["extract_day"] = last["day"].to_numpy()
    rows["updated_at"] = last["time"].to_numpy()
    day_end = rows["extract_day"] + pd.Timedelta(days=1)
    for column in ("paid_at", "refunded_at"):
        rows[column] = rows[column].where(rows[column] < day_end)
    return rows.sort_values(["extract_day", "updated_at", "transaction_id"])[COLUMNS + ["extract_day"]]
