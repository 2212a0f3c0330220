"""Why a CSV file could not be read, said with its line and column.

DuckDB's reader stays the fast path; when it fails, or the headers do not fit the
contract, this reads the file again with Python's csv module (cheap: only bad files come
here) and names the place: the encoding it looks like, the delimiter it uses, the line
whose fields do not match the header.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ingestion.legacy_text import DECODERS, is_vietnamese
from ingestion.reader import Issue

MAX_FIELD_BYTES = 1_000_000   # far above any real value; DuckDB's line limit is 2 MB
MAX_ISSUES = 20
REEXPORT = 'save it again as UTF-8 CSV (in Excel: "CSV UTF-8 (Comma delimited)")'


def diagnose(path: Path) -> list[Issue]:
    data = path.read_bytes()
    return _encoding(data) or _delimiter(data) or _structure(data)


def _encoding(data: bytes) -> list[Issue]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        bom = "with" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "without"
        return [Issue(f"line 1: the file is UTF-16 ({bom} byte-order mark), not UTF-8 "
                      f'(Excel\'s "Unicode Text" writes this): {REEXPORT}')]
    try:
        data.decode("utf-8")
        return []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        start = data.rfind(b"\n", 0, exc.start) + 1
        column = data[start:exc.start].decode("utf-8", "replace").count(",") + 1
        end = data.find(b"\n", exc.start)
        looks = _legacy_encoding(data)
        return [Issue(f"line {line}, field {column}: byte 0x{data[exc.start]:02X} is not UTF-8; the file looks like "
                      f"{looks}: {REEXPORT}", value=data[start:end if end > 0 else None].decode("latin-1")[:120])]


def _legacy_encoding(data: bytes) -> str:
    """The single-byte encoding whose reading makes most non-ASCII fields well-formed Vietnamese."""
    text = data.decode("latin-1")
    fields = [f for f in text.replace("\n", ",").split(",") if not f.isascii()][:2000]
    readings = {
        "Latin-1 (Windows-1252), which cannot hold most Vietnamese letters": lambda f: f,
        "Windows-1258 (Vietnamese ANSI)": lambda f: f.encode("latin-1").decode("cp1258", "replace"),
        "the legacy TCVN3 (ABC, .VnTime) font encoding": DECODERS["TCVN3"],
        "the legacy VNI font encoding": DECODERS["VNI"],
    }
    scores = {name: sum(is_vietnamese(read(f)) for f in fields) for name, read in readings.items()}
    return max(scores, key=scores.get)   # ties go to Latin-1: the first, least specific


def _delimiter(data: bytes) -> list[Issue]:
    header = data.decode("utf-8-sig", "replace").splitlines()[0] if data else ""
    counts = {d: len(next(csv.reader([header], delimiter=d))) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    if best != "," and counts[best] > counts[","]:
        shown = "tab" if best == "\t" else repr(best)
        return [Issue(f"line 1: the file is separated by {shown}, the contract expects ',' "
                      f"({counts[best]} headers split by {shown}, {counts[',']} by ','): {REEXPORT}")]
    return []


def _structure(data: bytes) -> list[Issue]:
    text = data.decode("utf-8-sig")
    crlf, lf = text.count("\r\n"), text.count("\n") - text.count("\r\n")
    lone_cr = text.count("\r") - crlf
    if (crlf and lf) or lone_cr:
        line = _first_line_ending_differently(text)
        return [Issue(f"line {line}: mixed line endings ({crlf} CRLF, {lf} LF, {lone_cr} lone CR): "
                      f"every line must end the same way; {REEXPORT}")]
    csv.field_size_limit(1 << 31)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    issues: list[Issue] = []
    header = None
    started = 1
    try:
        for fields in reader:
            if header is None:
                header = fields
            elif fields and len(fields) != len(header):
                truncated = reader.line_num == text.count("\n") + 1 and not text.endswith("\n")
                issues.append(Issue(f"line {started}: {len(fields)} fields, the header has {len(header)}"
                                    + (" (the file ends inside this line: truncated?)" if truncated else "")))
            for i, value in enumerate(fields):
                if len(value.encode()) > MAX_FIELD_BYTES:
                    issues.append(Issue(f"line {started}: a field of {len(value.encode()):,} bytes, more than "
                                        f"{MAX_FIELD_BYTES:,}", column=header[i] if header and i < len(header) else None))
            started = reader.line_num + 1
            if len(issues) >= MAX_ISSUES:
                break
    except csv.Error as exc:
        cut = "" if text.endswith("\n") else " (the file ends inside it: truncated?)"
        issues.append(Issue(f"line {started}: a quoted field opened here is never closed{cut}"
                            if "end of data" in str(exc) or reader.line_num > started
                            else f"line {reader.line_num}: {exc}"))
    return issues


def _first_line_ending_differently(text: str) -> int:
    first = "\r\n" if text.find("\r\n") == text.find("\r") >= 0 and text.find("\r") < text.find("\n") + 1 else None
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        ending = line[len(line.rstrip("\r\n")):]
        if first is None:
            first = ending
        elif ending and ending != first:
            return number
    return 1
