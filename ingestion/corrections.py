"""Guard a day against a correction that would erase it.

A file for a day already loaded replaces that day's current load when it passes its
checks. A careless re-delivery (the header only, a file cut at a row boundary, an export
that left a column out or blanked most of it) passes every check and would silently
remove the day's data. So a correction is compared with the load it replaces, and one
that loses many rows or keys, leaves the day with no rows, or loses many of a column's
values, is ``held``: kept in raw, reported, not applied until someone accepts it with
``tthc accept LOAD_ID``. A snapshot source (the service catalogue: each delivery is the
whole catalogue) is compared, on a new date, with the latest current delivery before it.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ingestion.contracts import load_contract
from warehouse.database import sql_identifier

# A correction may drop a few rows (a duplicate removed, a dossier withdrawn): hold it
# only when it loses more than this many, or this share, of the day's rows, keys or a column's values.
MAX_DROP_ROWS = 5
MAX_DROP_SHARE = 0.10


@dataclass(frozen=True)
class Comparison:
    current_load: str
    rows: tuple[int, int]                    # current, correction
    keys: tuple[int, int]                    # distinct unique keys (dossiers, transactions, ...)
    emptied: tuple[str, ...]                 # columns filled in the current load, empty in the correction
    thinned: tuple[tuple[str, int, int], ...] = ()   # (column, filled now, filled in the correction): many values lost
    same_day: bool = True                    # False: a snapshot compared with the latest delivery before it

    def losses(self) -> list[str]:
        out = [f"{what} {old:,} -> {new:,}" for what, (old, new) in (("rows", self.rows), ("keys", self.keys))
               if _drops(old, new) or (what == "rows" and new == 0 < old)]
        if self.emptied:
            out.append("emptied column(s): " + ", ".join(self.emptied))
        if self.thinned:
            out.append("column(s) losing values: " + ", ".join(f"{c} filled {o:,} -> {n:,}" for c, o, n in self.thinned))
        return out

    def describe(self, load_id: str) -> str:
        what = (f"this correction would replace {self.current_load}" if self.same_day else
                f"this delivery would follow {self.current_load}, the latest before it,")
        return (f"held: {what} and lose data ({'; '.join(self.losses())}); "
                f"if the loss is meant, apply it with `tthc accept {load_id}`")


def _drops(old: int, new: int) -> bool:
    return old - new > max(MAX_DROP_ROWS, MAX_DROP_SHARE * old)


def correction_drop(con: duckdb.DuckDBPyConnection, load_id: str) -> Comparison | None:
    """The comparison of a pending load with the load it replaces, when it loses data; else None."""
    source, extract_date = con.execute(
        "select source, extract_date from raw.load_manifest where load_id = ?", [load_id]).fetchone()
    contract = load_contract(source)
    current = _compared_with(con, source, extract_date, contract.snapshot)
    if not current:
        return None
    columns = [c.name for c in contract.columns]
    key = ", ".join(sql_identifier(c) for c in contract.unique_key)
    counts = ", ".join(f"count({sql_identifier(c)})" for c in columns)
    table = f"raw.{sql_identifier(source)}"
    figures = con.execute(
        f"select _load_id, count(*), count(distinct ({key})), {counts} from {table} "
        "where _load_id in (?, ?) group by _load_id",
        [current[0], load_id]).fetchall()
    by_load = {row[0]: row[1:] for row in figures}
    old = by_load.get(current[0], (0, 0, *[0] * len(columns)))
    new = by_load.get(load_id, (0, 0, *[0] * len(columns)))
    rows_lost = max(0, old[0] - new[0])   # a column that loses only the rows' share of its values is the rows' loss
    comparison = Comparison(
        current[0], (old[0], new[0]), (old[1], new[1]),
        tuple(c for c, o, n in zip(columns, old[2:], new[2:]) if o > 0 and n == 0 and new[0] > 0),
        tuple((c, o, n) for c, o, n in zip(columns, old[2:], new[2:]) if n > 0 and _drops(o, n + rows_lost)),
        same_day=current[1] == extract_date,
    )
    return comparison if comparison.losses() else None


def _compared_with(con: duckdb.DuckDBPyConnection, source: str, extract_date, snapshot: bool) -> tuple | None:
    """The day's current load; for a snapshot source without one, the latest current load before the day."""
    same_day = con.execute(
        "select load_id, extract_date from raw.load_manifest where source = ? and extract_date = ? and status = 'current'",
        [source, extract_date]).fetchone()
    if same_day or not snapshot:
        return same_day
    return con.execute(
        "select load_id, extract_date from raw.load_manifest where source = ? and extract_date < ? and status = 'current' "
        "order by extract_date desc limit 1", [source, extract_date]).fetchone()
