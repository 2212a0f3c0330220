"""Load delivered files into the raw schema: idempotent by checksum, quarantine instead of drop.

A file's journey, recorded in ``raw.load_manifest``:

- same source, day and checksum as a file seen before  -> skipped (nothing changes);
- breaks its contract                                   -> ``quarantined`` with every problem
  in ``raw.quarantine_issues``, a copy and a readable report in the quarantine folder;
- otherwise its rows go to ``raw.<source>`` as ``pending``; validation then makes it
  ``current`` (the day's previous current load becomes ``superseded``, in the same
  transaction) or ``quarantined``. Both loads are flagged ``rebuild_pending``: the next
  dbt build recomputes the dossiers they hold, and only those (incremental models).

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
from ingestion.reader import Issue, stage_file

FILE_NAME = re.compile(r"^(?P<source>[a-z_]+)_(?P<date>\d{4}-\d{2}-\d{2})\.(csv|xlsx)$", re.IGNORECASE)


@dataclass
class FileOutcome:
    path: Path
    status: str  # pending | skipped | quarantined; after the load checks current or quarantined
    load_id: str | None = None
    rows: int = 0
    issues: list[Issue] = field(default_factory=list)
    note: str = ""


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
              same_day: list[Path] = ()) -> FileOutcome:
    """Load one file. ``same_day``: other files of this source claiming the same extract date;
    with any, the file is ambiguous and quarantined rather than guessed."""
    contract = load_contract(source)
    if path.is_symlink():                 # never followed: it could point anywhere on the machine
        sha = hashlib.sha256(f"symlink:{os.readlink(path)}".encode()).hexdigest()
    else:
        sha = sha256_of(path)
    extract_date = extract_date_of(path)
    match = FILE_NAME.match(path.name)
    load_id = f"{source}-{extract_date or 'undated'}-{sha[:12]}"
    if con.execute("select 1 from raw.load_manifest where load_id = ?", [load_id]).fetchone():
        return FileOutcome(path, "skipped", load_id, note="already received with the same checksum")

    issues: list[Issue] = []
    staged = None
    if path.is_symlink():
        issues.append(Issue(f"a symbolic link (to {os.readlink(path)}), not a delivered file: not followed; "
                            "deliver the file itself"))
    elif extract_date is None or match["source"].lower() != source:
        issues.append(Issue(f"file name does not follow the contract: expected {contract.file_name}"))
    elif same_day:
        issues.append(Issue(f"more than one file for this source and day ({', '.join(p.name for p in same_day)}): keep one"))
    else:
        staged = stage_file(con, path, contract)
        issues = staged.issues

    con.begin()
    try:
        _record(con, load_id, source, extract_date, path, sha, staged.row_count if staged else None,
                "quarantined" if issues else "pending", _summary(issues), run_id)
        if issues:
            con.executemany(
                "insert into raw.quarantine_issues values (?, ?, ?, ?, ?, ?, ?)",
                [(load_id, source, path.name, i.row_number, i.column, i.value, i.problem) for i in issues],
            )
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


def decide(con: duckdb.DuckDBPyConnection, load_id: str, issues: list[Issue]) -> None:
    """After validation: make a pending load current (superseding its day's previous load), or
    quarantine it. Runs inside the caller's transaction, so that the checks' results and the
    decisions they lead to are kept together or not at all (a retried task redoes both)."""
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
        con.executemany(
            "insert into raw.quarantine_issues values (?, ?, ?, ?, ?, ?, ?)",
            [(load_id, source, file_name, i.row_number, i.column, i.value, i.problem) for i in issues],
        )
    else:
        con.execute(
            "update raw.load_manifest set status = 'superseded', reason = ?, decided_at = ?, rebuild_pending = true "
            "where source = ? and extract_date = ? and status = 'current'",
            [f"replaced by {load_id}", now, source, extract_date],
        )
        con.execute(
            "update raw.load_manifest set status = 'current', decided_at = ?, rebuild_pending = true where load_id = ?",
            [now, load_id],
        )


def _record(con, load_id, source, extract_date, path, sha, rows, status, reason, run_id) -> None:
    con.execute(
        "insert into raw.load_manifest (load_id, source, extract_date, file_name, file_path, file_sha256, "
        "file_bytes, row_count, status, reason, received_at, run_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [load_id, source, extract_date or dt.date.min, path.name, str(path), sha, path.stat().st_size,
         rows, status, reason, dt.datetime.now(), run_id],
    )


def _summary(issues: list[Issue]) -> str | None:
    if not issues:
        return None
    more = f" (and {len(issues) - 1} more: see the report)" if len(issues) > 1 else ""
    return f"{len(issues)} problem(s): {issues[0].describe()}{more}"


def write_quarantine_report(quarantine_dir: Path, source: str, path: Path, load_id: str, sha: str, issues: list[Issue]) -> Path:
    """A copy of the file and a plain-text report beside it, for the people who must fix it."""
    folder = quarantine_dir / source
    folder.mkdir(parents=True, exist_ok=True)
    if path.exists() and not path.is_symlink():
        shutil.copy2(path, folder / f"{load_id}{path.suffix}")
    report = folder / f"{load_id}.report.txt"
    lines = [
        f"File:      {path}",
        f"Source:    {source}",
        f"Load id:   {load_id}",
        f"SHA-256:   {sha}",
        f"Problems:  {len(issues)}",
        "",
        *(f"- {i.describe()}" for i in issues),
        "",
        "The file was not loaded. Fix it and deliver it again under the same name: the",
        "corrected file (a new checksum) is loaded by the next run for that day.",
    ]
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return report
