"""Load delivered files into the raw schema: idempotent by checksum, quarantine instead of drop.

A file's journey, recorded in ``raw.load_manifest``:

- same source, day and checksum as a file seen before  -> skipped (nothing changes);
- breaks its contract                                   -> ``quarantined`` with every problem
  in ``raw.quarantine_issues``, a copy and a readable report in the quarantine folder;
- otherwise its rows go to ``raw.<source>`` as ``pending``; validation then makes it
  ``current`` (the day's previous current load becomes ``superseded``, in the same
  transaction), ``quarantined``, or ``held`` when, as a correction, it would lose many of
  the day's rows or empty a column (ingestion/corrections.py; ``tthc accept`` applies it).
  Both loads are flagged ``rebuild_pending``: the next dbt build recomputes the dossiers
  they hold, and only those (incremental models);
- a superseded file delivered again (to undo a correction) becomes pending again, and so
  current; a file quarantined only because a twin claimed its day loads once it is alone.

Staging reads only current loads, so a corrected file replaces its day atomically while
every delivery stays on record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingestion.contracts import load_contract
from ingestion.corrections import Comparison
from ingestion.file_names import NOT_UTF8, is_utf8, readable
from ingestion.reader import Issue, stage_file
from ingestion.workbook_files import first_line
from tthc.config import DEFAULT_PROVINCE
from warehouse.database import insert_rows

AMBIGUOUS = "more than one file for this source and day"
FILE_NAME = re.compile(r"^(?P<source>[a-z_]+)_(?P<date>\d{4}-\d{2}-\d{2})\.(csv|xlsx)$", re.IGNORECASE)


@dataclass
class FileOutcome:
    path: Path
    status: str  # pending | skipped | quarantined; after the load checks current, quarantined or held
    load_id: str | None = None
    rows: int = 0
    issues: list[Issue] = field(default_factory=list)
    note: str = ""

    @property
    def name(self) -> str:
        """The file's name as printable text (a name that is not UTF-8 shows its bytes escaped)."""
        return readable(self.path.name)


def landed_files(landing: Path, source: str) -> list[Path]:
    """Every file in the source's landing folder, oldest extract first. Files that do not
    follow the naming rule are included, so that they are quarantined, not ignored."""
    folder = landing / source
    if not folder.is_dir():
        return []
    # a symbolic link is listed (to be quarantined without being followed), a broken one too
    found = [p for p in folder.iterdir() if (p.is_symlink() or p.is_file()) and not p.name.startswith(".")]
    return sorted(found, key=lambda p: (extract_date_of(p) or dt.date.min, p.name))


def expected_files(landing: Path, source: str, day: dt.date) -> list[Path]:
    """The names a source's extract for ``day`` may arrive under (the FILE_NAME rule)."""
    return [landing / source / f"{source}_{day.isoformat()}.{suffix}" for suffix in ("csv", "xlsx")]


def extract_date_of(path: Path) -> dt.date | None:
    match = FILE_NAME.match(path.name)
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match["date"])
    except ValueError:
        return None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_file(con: duckdb.DuckDBPyConnection, path: Path, source: str, run_id: str, quarantine_dir: Path,
              same_day: list[Path] = (), province: str = DEFAULT_PROVINCE) -> FileOutcome:
    """Load one file. ``same_day``: other files of this source claiming the same extract date;
    with any, the file is ambiguous and quarantined rather than guessed. ``province``: whose
    portal delivered it (a home holds one province's loads: decision 0023)."""
    contract = load_contract(source)
    if path.is_symlink():                 # never followed: it could point anywhere on the machine
        sha = hashlib.sha256(f"symlink:{readable(os.readlink(path))}".encode()).hexdigest()
    else:
        sha = sha256_of(path)
    extract_date = extract_date_of(path)
    match = FILE_NAME.match(path.name)
    load_id = f"{source}-{extract_date or 'undated'}-{sha[:12]}"
    seen = con.execute("select status from raw.load_manifest where load_id = ?", [load_id]).fetchone()
    if seen and seen[0] == "superseded" and not same_day:
        return _reinstate(con, path, load_id)
    if seen and not (seen[0] == "quarantined" and not same_day and _only_ambiguous(con, load_id)):
        note = ("held: the correction waits for `tthc accept`" if seen[0] == "held"
                else "already received with the same checksum")
        return FileOutcome(path, "skipped", load_id, note=note)
    if seen:   # its twin is gone: forget the ambiguity (nothing else was wrong) and load it
        con.execute("delete from raw.quarantine_issues where load_id = ?", [load_id])
        con.execute("delete from raw.load_manifest where load_id = ?", [load_id])

    issues: list[Issue] = []
    staged = None
    if not is_utf8(path.name):            # DuckDB and the report cannot hold it: quarantined under an escaped name
        issues.append(Issue(NOT_UTF8, value=readable(path.name)))
    elif path.is_symlink():
        issues.append(Issue(f"a symbolic link (to {readable(os.readlink(path))}), not a delivered file: not followed; "
                            "deliver the file itself"))
    elif extract_date is None or match["source"].lower() != source:
        issues.append(Issue(f"file name does not follow the contract: expected {contract.file_name}"))
    elif same_day:
        issues.append(Issue(f"{AMBIGUOUS} ({', '.join(p.name for p in same_day)}): keep one"))
    else:
        staged, issues = _staged(con, path, contract)

    con.begin()
    try:
        _record(con, load_id, source, extract_date, path, sha, staged.row_count if staged else None,
                "quarantined" if issues else "pending", _summary(issues), run_id, province)
        if issues:
            insert_rows(con, "raw.quarantine_issues", issue_rows(load_id, source, readable(path.name), issues))
        else:
            con.execute(
                f"insert into raw.{source} by name select t.*, ? as _load_id, ? as _file_sha256, "
                f"? as _extract_date from ({staged.select_typed}) t",
                [load_id, sha, extract_date],
            )
        con.commit()
    except Exception:
        con.rollback()
        raise
    if issues:
        write_quarantine_report(quarantine_dir, source, path, load_id, sha, issues)
        return FileOutcome(path, "quarantined", load_id, issues=issues)
    note = f"ignored unknown headers: {', '.join(staged.ignored_headers)}" if staged.ignored_headers else ""
    return FileOutcome(path, "pending", load_id, rows=staged.row_count, note=note)


# errors of the warehouse itself (a disk full, a broken transaction): they must stop the run, not quarantine a file
WAREHOUSE_ERRORS = (duckdb.IOException, duckdb.OutOfMemoryException, duckdb.FatalException, duckdb.InternalException,
                    duckdb.TransactionException)


def _staged(con: duckdb.DuckDBPyConnection, path: Path, contract) -> tuple[object, list[Issue]]:
    """Read the file; whatever fails while reading it quarantines this file, with the error,
    and the run goes on to the next one."""
    try:
        staged = stage_file(con, path, contract)
    except WAREHOUSE_ERRORS:
        raise
    except Exception as exc:
        return None, [Issue(f"could not be read: {type(exc).__name__}: {first_line(exc, 'no message')}")]
    return staged, staged.issues


def _only_ambiguous(con: duckdb.DuckDBPyConnection, load_id: str) -> bool:
    problems = [p for (p,) in con.execute("select problem from raw.quarantine_issues where load_id = ?", [load_id]).fetchall()]
    return bool(problems) and all(p.startswith(AMBIGUOUS) for p in problems)


def _reinstate(con: duckdb.DuckDBPyConnection, path: Path, load_id: str) -> FileOutcome:
    """A superseded version delivered again: its rows are still in raw; validation makes it current again."""
    rows = con.execute(
        "update raw.load_manifest set status = 'pending', reason = 'delivered again after it was superseded' "
        "where load_id = ? returning row_count", [load_id]).fetchone()[0]
    return FileOutcome(path, "pending", load_id, rows=rows or 0, note="an earlier version delivered again")


def decide(con: duckdb.DuckDBPyConnection, load_id: str, issues: list[Issue], held: Comparison | None = None) -> None:
    """After validation: make a pending load current (superseding its day's previous load),
    quarantine it, or hold it (a correction that would lose data). Runs inside the caller's
    transaction, so that the checks' results and the decisions they lead to are kept together
    or not at all (a retried task redoes both)."""
    now = dt.datetime.now()
    source, extract_date, file_name = con.execute(
        "select source, extract_date, file_name from raw.load_manifest where load_id = ? and status = 'pending'",
        [load_id],
    ).fetchone()
    if issues:
        con.execute(
            "update raw.load_manifest set status = 'quarantined', reason = ?, decided_at = ? where load_id = ?",
            [_summary(issues), now, load_id],
        )
        insert_rows(con, "raw.quarantine_issues", issue_rows(load_id, source, file_name, issues))
    elif held:
        con.execute("update raw.load_manifest set status = 'held', reason = ?, decided_at = ? where load_id = ?",
                    [held.describe(load_id), now, load_id])
    else:
        _make_current(con, load_id, source, extract_date, now)


def _make_current(con, load_id: str, source: str, extract_date: dt.date, now: dt.datetime) -> None:
    con.execute(
        "update raw.load_manifest set status = 'superseded', reason = ?, decided_at = ?, rebuild_pending = true "
        "where source = ? and extract_date = ? and status = 'current'",
        [f"replaced by {load_id}", now, source, extract_date],
    )
    con.execute(
        "update raw.load_manifest set status = 'current', decided_at = ?, rebuild_pending = true where load_id = ?",
        [now, load_id],
    )


class NotHeld(ValueError):
    pass


def accept(con: duckdb.DuckDBPyConnection, load_id: str, by: str) -> tuple[str, dt.date, str | None]:
    """Apply a held correction: it becomes its day's current load (the next build rebuilds the
    day). Returns its source, day and the reason it was held."""
    row = con.execute("select source, extract_date, status, reason from raw.load_manifest where load_id = ?",
                      [load_id]).fetchone()
    if row is None:
        raise NotHeld(f"no load {load_id!r}: `tthc status` lists the held ones")
    source, extract_date, status, reason = row
    if status != "held":
        raise NotHeld(f"{load_id} is {status}, not held: only a held correction can be accepted")
    now = dt.datetime.now()
    con.begin()
    try:
        _make_current(con, load_id, source, extract_date, now)
        con.execute("update raw.load_manifest set accepted_by = ?, accepted_at = ? where load_id = ?", [by, now, load_id])
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return source, extract_date, reason


def _record(con, load_id, source, extract_date, path, sha, rows, status, reason, run_id, province) -> None:
    con.execute(
        "insert into raw.load_manifest (load_id, source, extract_date, file_name, file_path, file_sha256, "
        "file_bytes, row_count, status, reason, received_at, run_id, province_code) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [load_id, source, extract_date or dt.date.min, readable(path.name), readable(path), sha, path.lstat().st_size,
         rows, status, reason, dt.datetime.now(), run_id, province],
    )


def issue_rows(load_id: str, source: str, file_name: str, issues: list[Issue]) -> list[dict]:
    """raw.quarantine_issues' rows of a load's issues (a value is kept as its text)."""
    return [{"load_id": load_id, "source": source, "file_name": file_name, "row_number": i.row_number,
             "column_name": i.column, "value": None if i.value is None else str(i.value), "problem": i.problem}
            for i in issues]


def _summary(issues: list[Issue]) -> str | None:
    if not issues:
        return None
    more = f" (and {len(issues) - 1} more: see the report)" if len(issues) > 1 else ""
    return f"{len(issues)} problem(s): {issues[0].describe()}{more}"


def write_quarantine_report(quarantine_dir: Path, source: str, path: Path, load_id: str, sha: str, issues: list[Issue],
                            held: bool = False) -> Path:
    """A copy of the file and a plain-text report beside it, for the people who must fix it."""
    folder = quarantine_dir / source
    folder.mkdir(parents=True, exist_ok=True)
    if path.exists() and not path.is_symlink():
        shutil.copy2(path, folder / f"{load_id}{readable(path.suffix)}")
    report = folder / f"{load_id}.report.txt"
    lines = [
        f"File:      {readable(path)}",
        f"Source:    {source}",
        f"Load id:   {load_id}",
        f"SHA-256:   {sha}",
        f"Problems:  {len(issues)}",
        "",
        *(f"- {i.describe()}" for i in issues),
        "",
        *(["The correction was kept but not applied: the day keeps its current load.",
           f"If the loss is meant, apply it with `tthc accept {load_id} --by YOUR_NAME`;",
           "otherwise deliver the complete file again under the same name."] if held else
          ["The file was not loaded. Fix it and deliver it again under the same name: the",
           "corrected file (a new checksum) is loaded by the next run for that day."]),
    ]
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return report
