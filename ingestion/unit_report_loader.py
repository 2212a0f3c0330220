"""Load the unit reports that landed in ``landing/unit_reports/`` into the warehouse.

A workbook is read whole or not at all: a rejected one is copied to quarantine with a
report naming file, sheet, row and column, and recorded as rejected; the others still
load. One that lacks what only the office can say — its period (``report_context``), or
whether a near-miss name is the unit it is close to — waits, recorded with what is
missing, and is read again at every run until it loads; nothing else waits for it. The same file twice is skipped (its id is the SHA-256 of the workbook and of its
sidecar); a changed file, or sidecar, under the same name supersedes the earlier one. Each table's arithmetic is checked by Great
Expectations and every finding kept in ``audit.unit_report_findings``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from openpyxl.utils import get_column_letter

from ingestion.file_names import NOT_UTF8, is_utf8, readable
from ingestion.report_context import sidecar
from ingestion.unit_names import UnitRegister
from ingestion.unit_reports import ReportRejected, ReportTable, ReportWaiting, read_workbook
from ingestion.workbook_files import SUFFIXES

FOLDER = "unit_reports"


@dataclass
class ReportOutcome:
    path: Path
    status: str                                  # loaded | rejected | waiting | skipped
    reason: str = ""
    tables: list[ReportTable] = field(default_factory=list)
    findings: int = 0

    @property
    def name(self) -> str:
        """The file's name as printable text (a name that is not UTF-8 shows its bytes escaped)."""
        return readable(self.path.name)

    @property
    def unresolved(self) -> list[str]:
        return [f"sheet {t.sheet!r} row {r.row_number}: {r.resolution.message}" for t in self.tables for r in t.unresolved]

    def lines(self) -> list[str]:
        if self.status == "rejected":
            return [f"REJECTED unit report {self.reason}"]
        if self.status == "waiting":
            return [f"WAITING unit report {self.reason}"]
        if self.status == "skipped":
            return []
        sheets = ", ".join(f"{t.sheet} ({t.layout.name}, {t.period_start or '…'} – {t.period_end}"
                           f"{' as given' if t.period_from == 'given' else ''}, {len(t.rows)} rows)" for t in self.tables)
        out = [f"unit report {self.name}: {sheets}; {self.findings} finding(s)"]
        for t in self.tables:
            out.append(f"  {t.sheet}: columns {t.recognised()}" + (
                f"; ignored {', '.join(repr(t.match.headings[j]) for j in t.match.ignored)}" if t.match.ignored else "")
                + (f"; sent by {t.sender.code or t.sender.name}" if t.sender else ""))
        out += [f"  UNRESOLVED {u}" for u in self.unresolved]
        return out


def landed_reports(landing: Path) -> list[Path]:
    folder = landing / FOLDER
    if not folder.exists():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.suffix.lower() in SUFFIXES and not p.name.startswith("~$") and p.is_file())


def report_id_of(path: Path) -> str:
    """The SHA-256 of the workbook and of its sidecar file, if any: giving a period makes it new."""
    digest = hashlib.sha256(path.read_bytes())
    if sidecar(path).exists():
        digest.update(b"\0sidecar\0" + sidecar(path).read_bytes())
    return digest.hexdigest()


def new_reports(con: duckdb.DuckDBPyConnection, landing: Path) -> list[Path]:
    """Landed workbooks the warehouse has not read (by content). One refused only for its
    name was never read: under another name (renamed, or a copy) it is new."""
    seen = {r[0] for r in con.execute("select report_id from raw.unit_report_files where not "
                                      "(status = 'rejected' and reason = ?)", [NOT_UTF8]).fetchall()}
    return [p for p in landed_reports(landing) if report_id_of(p) not in seen]


def load_report(con: duckdb.DuckDBPyConnection, path: Path, run_id: str, quarantine: Path, gx_project: Path,
                units: UnitRegister | None = None) -> ReportOutcome:
    """Load one workbook; ``units``: the home's register (``unit_names.register()`` by default)."""
    from expectations.runner import record
    from expectations.unit_report_checks import check_report

    report_id, now = report_id_of(path), dt.datetime.now()
    seen = con.execute("select status, reason from raw.unit_report_files where report_id = ?", [report_id]).fetchall()
    if seen and seen[0] == ("rejected", NOT_UTF8):
        if not is_utf8(path.name):
            return ReportOutcome(path, "skipped", f"refused before: {NOT_UTF8}")
        # the content was never read, only its name refused: renamed (or a copy), it loads now
        con.execute("delete from raw.unit_report_issues where report_id = ?", [report_id])
        con.execute("delete from raw.unit_report_files where report_id = ?", [report_id])
        seen = []
    # a waiting workbook is read again at every run: a name the office has confirmed since lets it load
    if seen and seen[0][0] != "waiting":
        return ReportOutcome(path, "skipped", "already loaded")
    name = readable(path.name)     # DuckDB cannot store a name that is not UTF-8: its bytes escaped
    try:
        tables = _read(path, units)
    except ReportWaiting as waiting:
        missing = "; ".join(waiting.missing)
        if seen and seen[0][1] == missing:
            return ReportOutcome(path, "skipped", "still waiting")
        con.execute("begin")
        try:
            con.execute("delete from raw.unit_report_files where report_id = ?", [report_id])
            con.execute("insert into raw.unit_report_files values (?, ?, ?, 'waiting', ?, ?, ?)",
                        [report_id, name, readable(path), missing, now, run_id])
            con.execute("delete from audit.unit_reports_waiting where file_name = ?", [name])
            con.execute("insert into audit.unit_reports_waiting values (?, ?, ?, ?)", [report_id, name, missing, now])
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        return ReportOutcome(path, "waiting", str(waiting))
    except (ReportRejected, ValueError) as rejected:
        if isinstance(rejected, ValueError):       # a sidecar file the office wrote wrong
            rejected = ReportRejected(path, str(rejected))
        con.execute("begin")  # the file and its issues together: a retry must not find one without the other
        try:
            con.execute("insert into raw.unit_report_files values (?, ?, ?, 'rejected', ?, ?, ?)",
                        [report_id, name, readable(path), rejected.reason, now, run_id])
            _insert_many(con, "insert into raw.unit_report_issues values (?, ?, ?, ?, ?, ?, ?)", [
                (report_id, name, i.sheet, i.row, i.column, i.value, i.problem) for i in rejected.issues])
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        folder = quarantine / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, folder / f"{report_id[:12]}-{name}")
        (folder / f"{report_id[:12]}-{name}.report.txt").write_text(str(rejected) + "\n", encoding="utf-8")
        return ReportOutcome(path, "rejected", str(rejected))

    outcome = ReportOutcome(path, "loaded", tables=tables)
    con.execute("begin")
    try:
        con.execute("delete from raw.unit_report_files where report_id = ? and status = 'waiting'", [report_id])
        con.execute("update raw.unit_report_files set status = 'superseded', reason = 'a newer file of this name came' "
                    "where file_name = ? and status in ('loaded', 'waiting')", [name])
        con.execute("delete from audit.unit_reports_waiting where file_name = ?", [name])
        con.execute("insert into raw.unit_report_files values (?, ?, ?, 'loaded', null, ?, ?)",
                    [report_id, name, readable(path), now, run_id])
        for t in tables:
            _store(con, report_id, t)
            outcomes, findings = check_report(gx_project, t)
            record(con, run_id, f"unit_report__{t.layout.name}", outcomes)
            _insert_many(con, "insert into audit.unit_report_findings values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                (report_id, f.file, f.sheet, f.row_number, f.column, f.check, f.unit_name, f.expected, f.found, f.gap, now)
                for f in findings])
            outcome.findings += len(findings)
            # every cell decoded from a legacy font encoding, so that the office sees what was read
            _insert_many(con, "insert into audit.unit_report_findings values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                (report_id, name, t.sheet, c.row, get_column_letter(c.column), f"decoded_from_{c.encoding.lower()}",
                 c.text, c.text, c.found, None, now) for c in t.converted])
            outcome.findings += len(t.converted)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return outcome


def _read(path: Path, units: UnitRegister | None) -> list[ReportTable]:
    """The workbook's tables. Whatever fails while reading one file rejects that file, with
    the error, and the run goes on; the warehouse's own errors are not caught here."""
    if not is_utf8(path.name):
        raise ReportRejected(path, NOT_UTF8)
    try:
        return read_workbook(path, units)
    except (ReportRejected, ReportWaiting, ValueError):
        raise
    except Exception as exc:
        raise ReportRejected(path, f"could not be read: {type(exc).__name__}: {exc}") from exc


def _store(con: duckdb.DuckDBPyConnection, report_id: str, t: ReportTable) -> None:
    con.execute("insert into raw.unit_report_tables values (?, ?, ?, ?, ?, ?, ?)",
                [report_id, t.sheet, t.layout.name, t.period_start, t.period_end, len(t.rows), len(t.unresolved)])
    _insert_many(con, "insert into raw.unit_report_rows values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        (report_id, t.sheet, r.row_number, r.row_kind, r.section, r.section_seq, r.stt, r.unit_name,
         r.resolution.code if r.resolution else None, r.resolution.scope if r.resolution else None,
         r.resolution.status if r.resolution else None, r.resolution.how if r.resolution else None,
         (r.resolution.note or "; ".join(r.resolution.candidates)) if r.resolution and r.resolution.status != "resolved" else None)
        for r in t.rows])
    _insert_many(con, "insert into raw.unit_report_values values (?, ?, ?, ?, ?, ?, ?, ?)", [
        (report_id, t.sheet, r.row_number, column, r.cells[column], r.printed[column],
         value if not isinstance(value, str) else None, value if isinstance(value, str) else None)
        for r in t.rows for column, value in r.values.items()])
    _insert_many(con, "insert into raw.unit_report_figures values (?, ?, ?, ?, ?)", [
        (report_id, t.sheet, r.row_number, measure, sum(r.values[c] for c in columns))
        for r in t.rows if r.row_kind == "detail"
        for measure, columns in t.layout.reconcile.items() if all(r.values.get(c) is not None for c in columns)])


def _insert_many(con: duckdb.DuckDBPyConnection, sql: str, rows: list[tuple]) -> None:
    if rows:                      # DuckDB refuses executemany with no rows
        con.executemany(sql, rows)
