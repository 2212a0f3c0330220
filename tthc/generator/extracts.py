"""Daily portal extracts for a date range, deterministic for a seed.

Volumes and online shares per unit follow appendix 2 of seed 000 (dossiers received over
the 90 days 15/12/2021–14/03/2022), multiplied by ``scale``. Each dossier lives through
events — registered online, received, processing, supplement requested, refused,
withdrawn or stopped, resolved (about 4% late), result returned — and is written to the
extract of every day on which it changed, with its state at the end of that day.
Dossiers received up to 60 days before the range and still open at its start appear in
the first day's extract: the backlog a real first extract carries.

Beside the dossiers: the service catalogue whenever it changes, the payments of the
dossiers that carry a fee, and the units' entries in the reporting systems. These draw
on their own random streams, so adding one never changes the dossiers of a seed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from tthc.config import register_folder
from tthc.generator import payments, reform
from tthc.generator.catalogue import build_catalogue, catalogue_deliveries
from tthc.generator.people import applicants
from tthc.generator.submissions import build_submissions

CALIBRATION = Path(__file__).with_name("calibration.csv")
CALIBRATION_DAYS = 90
WARM_UP_DAYS = 60
WEEKDAY_FACTOR = np.array([1.15, 1.15, 1.15, 1.15, 1.1, 0.25, 0.05])  # Mon..Sun; mean ~0.86 -> rescaled below

# Outcome shares of received dossiers (the rest are resolved).
P_REFUSED, P_WITHDRAWN, P_STOPPED = 0.006, 0.007, 0.003
P_LATE = 0.04          # resolved after the due date
P_SUPPLEMENT = 0.06    # a supplement is requested once
P_RETURNED = 0.85      # result handed back (status 10) after resolution
P_POSTAL = 0.04        # of dossiers not submitted online
P_APOLOGY = 0.6        # late dossiers whose unit sent the apology letter (the day before the due date)
# Online dossiers with a fee whose fee was paid online. Seed 000's appendix 5: 403 fee
# payments from 01/01 to 15/05/2022, against about 8.400 at 0.6; few units could take them.
P_FEE_PAID_ONLINE = 0.03
# Popularity of a unit's services falls as 1/rank^k. With k = 2.6, 443 of the 1.651
# level-3/4 services get an online dossier over 15/12/2021–14/03/2022 (seed 000: 449).
POPULARITY_EXPONENT = 2.6
CSV_TIMESTAMP = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class GenerationSummary:
    days: int
    dossiers: int
    extract_rows: int
    landing: Path


def generate(landing: Path, start: dt.date, end: dt.date, seed: int = 2022, scale: float = 1.0, progress=None) -> GenerationSummary:
    """Write one extract per source and day of [start, end] into ``landing/<source>/``
    (the catalogue only on the days it changes)."""
    rng, units, calibration, catalogue = start_generation(landing, start, end, seed, scale)
    rows, payment_rows, received = dossier_and_payment_rows(rng, np.random.default_rng([seed, 2]), units, calibration,
                                                            catalogue, start, end, scale)
    days = pd.date_range(start, end, freq="D")
    _write_daily(landing, "payments", payment_rows, days, payments.COLUMNS)
    write_submissions(landing, seed, start, end)
    _write_daily(landing, "dossiers", rows, days, OUTPUT_COLUMNS, progress)
    return GenerationSummary(len(days), received, len(rows), landing)


def start_generation(landing: Path, start: dt.date, end: dt.date, seed: int, scale: float):
    """What both generators do first: check the range and the scale, draw the catalogue and
    write its deliveries. Returns the seed's random stream, the unit register, the
    calibration and the catalogue."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    rng = np.random.default_rng(seed)
    units, calibration = _register()
    catalogue = build_catalogue(rng)
    write_services(landing, catalogue, seed, start, end)
    return rng, units, calibration, catalogue


def _register() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The unit register and the calibration (appendix 2's volumes per unit)."""
    units = pd.read_csv(register_folder() / "units.csv", dtype=str, keep_default_na=False)
    return units, pd.read_csv(CALIBRATION, dtype={"unit_code": str})


def write_services(landing: Path, catalogue: pd.DataFrame, seed: int, start: dt.date, end: dt.date) -> None:
    """The catalogue as delivered on ``start`` and on each day it changes."""
    services_dir = landing / "services"
    services_dir.mkdir(parents=True, exist_ok=True)
    for day, delivered in catalogue_deliveries(np.random.default_rng([seed, 1]), catalogue, start, end).items():
        delivered = reform.catalogue_in_force(delivered, day)
        delivered.assign(
            fee_required=delivered["fee_required"].astype(int), interconnected=delivered["interconnected"].astype(int)
        ).to_csv(services_dir / f"services_{day.isoformat()}.csv", index=False)


def write_submissions(landing: Path, seed: int, start: dt.date, end: dt.date) -> None:
    submissions = build_submissions(np.random.default_rng([seed, 3]), start, end)
    _write_daily(landing, "report_submissions", submissions.assign(extract_day=submissions["submitted_at"].dt.normalize()),
                 pd.date_range(start, end, freq="D"), list(submissions.columns))


def dossier_and_payment_rows(rng, side, units, calibration, catalogue, start: dt.date, end: dt.date, scale: float,
                             received: tuple[pd.Timestamp, pd.Timestamp] | None = None, sort: bool = True,
                             ) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """The dossiers' and the payments' extract rows of [start, end] (with their extract_day),
    and how many dossiers were received in the range. ``received``: only the dossiers
    received on those days (the bulk generator's chunks); ``sort``: rows in the order of
    the daily files (the bulk generator leaves that to the writer)."""
    merger = reform.reform_day()
    absorbed = reform.absorbed_communes(calibration, units) if pd.Timestamp(end) >= merger else calibration.iloc[0:0]
    dossiers = _dossiers(rng, units, pd.concat([calibration, absorbed], ignore_index=True), catalogue, start, end, scale,
                         received)
    # the former Đồng Nai's communes come onto the portal on the reform day, with no history before it
    first_seen = dossiers["submitted_at"].fillna(dossiers["received_at"])
    dossiers = dossiers[~(dossiers["unit_code"].isin(absorbed["unit_code"]) & (first_seen < merger))].reset_index(drop=True)
    land_paid = payments.mark_land_obligations(side, dossiers)
    dossiers["paid_online"] = dossiers["paid_online"] | land_paid
    dossiers["apology_sent_at"] = _apologies(side, dossiers)
    rows = reform.recode(_extract_rows(rng, dossiers, start, end, sort))
    # a payment whose dossier closed before the first extract would point at a dossier we never deliver
    # (by position: the same as comparing the unique dossier codes, and many times faster)
    delivered = pd.Series(np.isin(np.arange(len(dossiers)), rows["dossier_position"].to_numpy()))
    transactions = payments.build_transactions(side, dossiers[delivered], land_paid[delivered])
    payment_rows = reform.recode(payments.extract_rows(transactions, start, end))
    return rows, payment_rows, int(dossiers["received_at"].ge(pd.Timestamp(start)).sum())

def _write_daily(landing: Path, source: str, rows: pd.DataFrame, days: pd.DatetimeIndex, columns: list[str], progress=None) -> None:
    """One file per day, empty (header only) on a day without changes: a missing file means a missing extract.

    Written by DuckDB from one Arrow table sliced per day: the same bytes as pandas' to_csv
    (timestamps as %Y-%m-%d %H:%M:%S, empty for null, quotes only where needed, rows of a
    day in their order), many times faster."""
    out = landing / source
    out.mkdir(parents=True, exist_ok=True)
    keys = pd.DatetimeIndex(rows["extract_day"]).as_unit("ns").asi8
    order = np.argsort(keys, kind="stable")
    table = pa.Table.from_pandas(rows[columns].iloc[order], preserve_index=False)
    keys, day_keys = keys[order], days.as_unit("ns").asi8
    starts, ends = np.searchsorted(keys, day_keys, side="left"), np.searchsorted(keys, day_keys, side="right")
    with duckdb.connect() as con:
        for i, (day, a, b) in enumerate(zip(days, starts, ends)):
            _write_csv(con, table.slice(a, b - a), out / f"{source}_{day.date().isoformat()}.csv")
            if progress:
                progress(i + 1, len(days))


def _write_csv(con: duckdb.DuckDBPyConnection, table: pa.Table, path: Path) -> None:
    con.from_arrow(table).write_csv(str(path), header=True, timestamp_format=CSV_TIMESTAMP, date_format="%Y-%m-%d")


def _apologies(rng: np.random.Generator, d: pd.DataFrame) -> pd.Series:
    """For most dossiers resolved late, an apology letter sent the day before the due date."""
    late = d["finished_at"].dt.normalize() > d["due_at"].dt.normalize()
    sent = d["due_at"].dt.normalize() - pd.Timedelta(days=1) + pd.to_timedelta(rng.integers(8 * 60, 16 * 60, len(d)), unit="m")
    return sent.where(late & (rng.random(len(d)) < P_APOLOGY) & (sent > d["received_at"]))


def _dossiers(rng, units, calibration, catalogue, start, end, scale, received=None) -> pd.DataFrame:
    """One row per dossier with its whole future: every event time, or NaT where it never happens.
    ``received``: the first and last day of receipt (default: the warm-up days before ``start`` to ``end``)."""
    first, last = received if received else (pd.Timestamp(start) - pd.Timedelta(days=WARM_UP_DAYS), end)
    days = pd.date_range(first, last, freq="D")
    factor = WEEKDAY_FACTOR[days.day_of_week] / WEEKDAY_FACTOR.mean()
    cal = calibration.merge(units[["unit_code", "unit_kind", "district_code", "unit_name"]], on="unit_code")
    daily = cal["received_90d"].to_numpy(float) / CALIBRATION_DAYS * scale
    counts = rng.poisson(np.outer(daily, factor))  # unit x day
    unit_idx, day_idx = np.nonzero(counts)
    repeat = counts[unit_idx, day_idx]
    unit_idx, day_idx = np.repeat(unit_idx, repeat), np.repeat(day_idx, repeat)
    n = len(unit_idx)
    d = pd.DataFrame({"unit_code": cal["unit_code"].to_numpy()[unit_idx], "unit_kind": cal["unit_kind"].to_numpy()[unit_idx]})

    # Which procedure: popularity is steep, so most services see no dossier in a period.
    service = np.empty(n, dtype=object)
    for code, group in d.groupby("unit_code").groups.items():
        pool = _services_of(catalogue, cal.loc[cal["unit_code"] == code].iloc[0])
        weights = 1.0 / np.arange(1, len(pool) + 1) ** POPULARITY_EXPONENT
        order = rng.permutation(len(pool))
        service[group] = pool["service_code"].to_numpy()[order][rng.choice(len(pool), size=len(group), p=weights / weights.sum())]
    d["procedure_code"] = service
    info = catalogue.drop_duplicates("service_code").set_index("service_code")
    d["field_code"] = info.loc[service, "field_code"].to_numpy()
    level = info.loc[service, "online_level"].to_numpy()
    days_allowed = info.loc[service, "processing_days"].to_numpy()
    d["fee_required"] = info.loc[service, "fee_required"].to_numpy()

    share_online = (cal["online_90d"] / cal["received_90d"].where(cal["received_90d"] > 0)).fillna(0).to_numpy()[unit_idx]
    # Only level-3/4 services take online dossiers; raise their share so the unit's overall share holds.
    online_capable = level >= 3
    capable_share = pd.Series(online_capable).groupby(unit_idx).transform("mean").to_numpy()
    p_online = np.clip(share_online / np.maximum(capable_share, 1e-9), 0, 1) * online_capable
    online = rng.random(n) < p_online
    d["channel"] = np.where(online, 2, np.where(rng.random(n) < P_POSTAL, 3, 1))

    received = days[day_idx] + pd.to_timedelta(rng.integers(7 * 60 + 30, 17 * 60, n), unit="m")
    d["received_at"] = received
    d["submitted_at"] = pd.Series(received - pd.to_timedelta(rng.integers(10, 36 * 60, n), unit="m")).where(online)
    d["due_at"] = received.normalize() + pd.to_timedelta(days_allowed, unit="D") + pd.Timedelta(hours=17)

    fate = rng.random(n)
    refused = fate < P_REFUSED
    withdrawn = (fate >= P_REFUSED) & (fate < P_REFUSED + P_WITHDRAWN)
    stopped = (fate >= P_REFUSED + P_WITHDRAWN) & (fate < P_REFUSED + P_WITHDRAWN + P_STOPPED)
    resolved = ~(refused | withdrawn | stopped)
    late = resolved & (rng.random(n) < P_LATE)
    # Whole days after receipt, at a time within office hours.
    on_time_days = np.floor(rng.uniform(0, 1, n) * days_allowed)
    late_days = days_allowed + np.ceil(rng.uniform(0.01, 20, n))
    d["finished_at"] = _office_hours(rng, received, np.where(late, late_days, on_time_days)).where(resolved)
    returned = _office_hours(rng, d["finished_at"], rng.integers(0, 4, n))
    d["returned_at"] = returned.where(resolved & (rng.random(n) < P_RETURNED))
    close_days = np.where(refused, 0, np.floor(rng.uniform(0.3, 1.0, n) * days_allowed))
    d["closed_at"] = _office_hours(rng, received, close_days).where(~resolved)
    d["closed_status"] = np.select([refused, withdrawn, stopped], [3, 7, 8], 0)
    supplement = ~refused & (rng.random(n) < P_SUPPLEMENT)
    d["supplement_requested_at"] = _office_hours(rng, received, rng.integers(1, 3, n)).where(supplement)
    d["supplement_resolved_at"] = _office_hours(rng, d["supplement_requested_at"], rng.integers(1, 5, n))
    d["components_digitized"] = rng.random(n) < np.where(online, 0.9, 0.45)
    d["result_digitized"] = rng.random(n) < 0.55
    d["digitized_data_reused"] = rng.random(n) < 0.12
    d["paid_online"] = d["fee_required"] & online & (rng.random(n) < P_FEE_PAID_ONLINE)

    order = np.lexsort((received.to_numpy(), d["unit_code"].to_numpy()))
    d = d.iloc[order].reset_index(drop=True)
    seq = d.groupby(["unit_code", d["received_at"].dt.normalize()]).cumcount() + 1
    at = d["received_at"].dt   # yymmdd without strftime, which formats row by row
    yymmdd = ((at.year % 100) * 10000 + at.month * 100 + at.day).astype(str).str.zfill(6)
    d["dossier_code"] = d["unit_code"] + "-" + yymmdd + "-" + seq.astype(str).str.zfill(5)
    names = cal.set_index("unit_code")
    province = np.where(d["received_at"] >= reform.reform_day(), ", Đồng Nai", ", Bình Phước")
    address = names.loc[d["unit_code"], "unit_name"].to_numpy().astype(object) + province
    for column, values in applicants(rng, len(d), address).items():
        d[column] = values
    return d


def _office_hours(rng, since: pd.Series | pd.DatetimeIndex, days_after: np.ndarray) -> pd.Series:
    """A time ``days_after`` whole days after ``since``, between 07:30 and 17:00, never before ``since``."""
    since = pd.Series(since)
    day = since.dt.normalize() + pd.to_timedelta(days_after, unit="D")
    when = day + pd.to_timedelta(rng.integers(7 * 60 + 30, 17 * 60, len(since)), unit="m")
    return when.where(when > since, since + pd.Timedelta(minutes=20))


def _services_of(catalogue: pd.DataFrame, unit: pd.Series) -> pd.DataFrame:
    kind = unit["unit_kind"]
    if kind == "department":
        pool = catalogue[(catalogue["tier"] == "province") & (catalogue["agency_code"] == unit["unit_code"])]
    elif kind == "land_branch":
        pool = catalogue[(catalogue["tier"] == "province") & (catalogue["agency_code"] == "DEP-TNMT")]
    else:
        pool = catalogue[catalogue["tier"] == kind]
    if pool.empty:  # a department with no services of its own still receives something
        pool = catalogue[catalogue["tier"] == "province"].head(5)
    return pool


# Events in the order they happen; each sets the status and reveals the fields known from then on.
EVENTS = [
    ("submitted_at", 1),
    ("received_at", 2),
    ("processing_at", 4),
    ("supplement_requested_at", 5),
    ("supplement_resolved_at", 4),
    ("apology_sent_at", 4),
    ("closed_at", None),  # 3, 7 or 8
    ("finished_at", 9),
    ("returned_at", 10),
]
STATE_FIELDS = {  # field -> the event from which it is filled in
    "submitted_at": "submitted_at", "received_at": "received_at", "due_at": "received_at",
    "supplement_requested_at": "supplement_requested_at", "closed_at": "closed_at",
    "finished_at": "finished_at", "returned_at": "returned_at", "result_digitized": "finished_at",
    "apology_sent_at": "apology_sent_at",
    "paid_online": "received_at",
}
OUTPUT_COLUMNS = [
    "dossier_code", "procedure_code", "unit_code", "field_code", "channel", "status", "submitted_at", "received_at",
    "due_at", "finished_at", "returned_at", "supplement_requested_at", "closed_at", "apology_sent_at", "components_digitized",
    "result_digitized", "digitized_data_reused", "fee_required", "paid_online", "updated_at",
    "applicant_name", "applicant_id_number", "applicant_phone", "applicant_address",
]


def _extract_rows(rng, d: pd.DataFrame, start: dt.date, end: dt.date, sort: bool = True) -> pd.DataFrame:
    """Explode dossiers into one row per (dossier, day it changed), with its state at the day's last event."""
    d = d.copy()
    d["processing_at"] = (d["received_at"] + pd.Timedelta(days=1)).where(
        d["finished_at"].isna() | (d["finished_at"] > d["received_at"] + pd.Timedelta(days=1))
    ).where(d["closed_status"] != 3)
    first_day, last_day = pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(days=1)
    frames = []
    for order, (event, status) in enumerate(EVENTS):
        when = d[event]
        mask = when.notna() & (when < last_day)
        e = d.loc[mask]
        t = when[mask]
        # Events before the range collapse into the first extract (the backlog it carries).
        day = t.dt.normalize().where(t >= first_day, first_day)
        row = pd.DataFrame({"idx": e.index, "event_order": order, "event_time": t.to_numpy(), "extract_day": day.to_numpy(),
                            "status": e["closed_status"].to_numpy() if status is None else status})
        frames.append(row)
    events = pd.concat(frames, ignore_index=True).sort_values(["idx", "event_order"])
    # The state at the end of a day is its last event; a dossier closed before the range is not in it.
    last = events.groupby(["idx", "extract_day"], sort=False).tail(1)
    last = last[~((last["extract_day"] == first_day) & (last["event_time"] < first_day) & last["status"].isin([3, 7, 8, 10]))]
    rows = d.loc[last["idx"]].reset_index(drop=True)
    rows["status"] = last["status"].to_numpy()
    rows["dossier_position"] = last["idx"].to_numpy()
    rows["extract_day"] = last["extract_day"].to_numpy()
    rows["event_order"] = last["event_order"].to_numpy()
    day_end = (last["extract_day"] + pd.Timedelta(days=1)).to_numpy()
    rows["updated_at"] = pd.to_datetime(last["event_time"].to_numpy()).floor("s")
    for field, from_event in STATE_FIELDS.items():
        known = rows[from_event].notna() & (rows[from_event].to_numpy() < day_end)
        rows[field] = rows[field].where(known)
    for flag in ("components_digitized", "result_digitized", "digitized_data_reused", "fee_required", "paid_online"):
        rows[flag] = rows[flag].astype("boolean").astype("Int64")
    for column in ("submitted_at", "received_at", "due_at", "finished_at", "returned_at", "supplement_requested_at", "closed_at",
                   "apology_sent_at"):
        rows[column] = rows[column].dt.floor("s")
    if sort:
        rows = rows.sort_values(["extract_day", "updated_at", "dossier_code"]).reset_index(drop=True)
    return rows[OUTPUT_COLUMNS + ["extract_day", "event_order", "dossier_position"]]
