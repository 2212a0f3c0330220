"""A CSV that cannot be read is quarantined with the line, field or encoding at fault."""

from __future__ import annotations

import csv
import io
import unicodedata

import pytest

from ingestion.legacy_text import TCVN3, VNI_LETTERS, VNI_MARKS
from ingestion.loader import load_file
from tests.test_ingestion import DAY, extract
from warehouse.database import connect


def rows(landing) -> list[list[str]]:
    return list(csv.reader(io.StringIO(extract(landing).read_text(encoding="utf-8"))))


def text(table, delimiter=",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(table)
    return out.getvalue()


def to_cp1258(s: str) -> bytes:
    out = b""
    for ch in s:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:      # a toned letter: its shaped base, then the tone mark
            base, *marks = unicodedata.normalize("NFD", ch)
            tones = [m for m in marks if m in "\u0300\u0301\u0303\u0309\u0323"]
            shaped = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in tones))
            out += (shaped + "".join(tones)).encode("cp1258")
    return out


def to_tcvn3(s: str) -> bytes:
    back = {v: k for k, v in TCVN3.items()}
    return "".join(back.get(ch, back.get(ch.lower(), ch)) for ch in unicodedata.normalize("NFC", s)).encode("latin-1")


def to_vni(s: str) -> bytes:
    letters, marks = {v: k for k, v in VNI_LETTERS.items()}, {v: k for k, v in VNI_MARKS.items() if k.islower()}
    out = ""
    for ch in unicodedata.normalize("NFC", s):
        if ch.isascii() or ch in letters:
            out += letters.get(ch, ch)
            continue
        base, *rest = unicodedata.normalize("NFD", ch)
        if "\u031b" in rest:                                   # horn: ơ, ư are letters of their own
            base, rest = letters[unicodedata.normalize("NFC", base + "\u031b")], [m for m in rest if m != "\u031b"]
        rest = sorted(rest, key=lambda m: m not in "\u0302\u0306")   # the shape's byte names shape and tone
        out += base + (marks["".join(rest)] if rest else "")
    return out.encode("latin-1")


def bad_file(case: str, table: list[list[str]]) -> bytes:
    t = text(table)
    if case == "truncated":
        return t.encode()[:-40]
    if case == "unclosed quote":
        table[10][20] = '"' + table[10][20]
        return (text(table[:10]) + ",".join(table[10]) + "\n" + text(table[11:])).encode()
    if case in ("too many fields", "too few fields"):
        table[16] = table[16] + ["x", "y"] if case == "too many fields" else table[16][:12]
        return text(table).encode()
    if case == "10 MB field":
        table[20][20] = "A" * 10_000_000
        return text(table).encode()
    if case == "mixed newlines":
        lines = t.split("\n")
        return ("\r\n".join(lines[:30]) + "\n" + "\n".join(lines[30:])).encode()
    if case == "semicolons":
        return text(table, ";").encode()
    if case == "tabs":
        return text(table, "\t").encode()
    return {"UTF-16 with BOM": lambda: t.encode("utf-16"), "UTF-16 without BOM": lambda: t.encode("utf-16-le"),
            "Windows-1258": lambda: to_cp1258(t), "Latin-1": lambda: t.encode("latin-1", "replace"),
            "TCVN3": lambda: to_tcvn3(t), "VNI": lambda: to_vni(t)}[case]()


CASES = {
    "truncated": ["line 184:", "truncated?"],
    "unclosed quote": ["line 11: a quoted field opened here is never closed"],
    "too many fields": ["line 17: 26 fields, the header has 24"],
    "too few fields": ["line 17: 12 fields, the header has 24"],
    "10 MB field": ["line 21: a field of 10,000,000 bytes", "column applicant_name"],
    "mixed newlines": ["line 30: mixed line endings"],
    "semicolons": ["the file is separated by ';', the contract expects ','"],
    "tabs": ["the file is separated by tab, the contract expects ','"],
    "UTF-16 with BOM": ["line 1: the file is UTF-16 (with byte-order mark)", "CSV UTF-8 (Comma delimited)"],
    "UTF-16 without BOM": ["line 1: the file is UTF-16 (without byte-order mark)"],
    "Windows-1258": ["line 2, field 21:", "looks like Windows-1258", "CSV UTF-8 (Comma delimited)"],
    "Latin-1": ["line 2, field 24:", "looks like Latin-1"],
    "TCVN3": ["line 2, field 21:", "TCVN3"],
    "VNI": ["line 2, field 21:", "VNI"],
}


@pytest.mark.parametrize("case", CASES)
def test_an_unreadable_csv_is_quarantined_naming_the_place(landing, tmp_path, case):
    """The bad file is quarantined with its cause; the next day's file still loads."""
    folder = tmp_path / "in"
    folder.mkdir()
    bad = folder / extract(landing).name
    bad.write_bytes(bad_file(case, rows(landing)))
    good = extract(landing, DAY.replace(day=DAY.day + 1))
    with connect(tmp_path / "w.duckdb") as con:
        outcome = load_file(con, bad, "dossiers", "r", tmp_path / "quarantine")
        assert load_file(con, good, "dossiers", "r", tmp_path / "quarantine").status == "pending"
        kept = con.execute("select problem from raw.quarantine_issues").fetchall()
    message = outcome.issues[0].describe()
    assert outcome.status == "quarantined" and kept, message
    for expected in CASES[case]:
        assert expected in message, message
    assert "Error when sniffing" not in message and "required column" not in message
