"""How the reader turns delivered text into the contract's values: every text in NFC, however
it arrived, with the normalisation skipped only where NFC cannot change the text."""

from __future__ import annotations

import random
import re
import unicodedata

import duckdb

from ingestion.contracts import load_contract
from ingestion.reader import NFC_STABLE, stage_file
from tests.conftest import rows_of, write_rows
from tests.test_ingestion import extract


def stable_characters() -> list[str]:
    ranges = re.findall(r"\\x\{([0-9A-F]+)\}-\\x\{([0-9A-F]+)\}", NFC_STABLE)
    assert ranges and NFC_STABLE == "[" + "".join(rf"\x{{{a}}}-\x{{{b}}}" for a, b in ranges) + "]*"
    return [chr(c) for a, b in ranges for c in range(int(a, 16), int(b, 16) + 1)]


def composition_seconds() -> set[str]:
    """Every character that NFC may compose with the one before it: the second of a canonical
    pair, and the Hangul vowels and final consonants (composed by rule, listed nowhere)."""
    seconds = {chr(c) for c in range(0x1161, 0x1176)} | {chr(c) for c in range(0x11A8, 0x11C3)}
    for code in range(0x110000):
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition and not decomposition.startswith("<") and len(decomposition.split()) == 2:
            seconds.add(chr(int(decomposition.split()[1], 16)))
    return seconds


def test_the_characters_read_without_normalising_are_ones_nfc_never_changes():
    """Neither alone nor beside any other: no combining class, their own NFC, never composed
    with what comes before, and their decomposition not starting with such a character."""
    seconds = composition_seconds()
    stable = stable_characters()
    assert {"a", "đ", "Ư", "ễ", "Ỹ", "“", "–", "\t"} <= set(stable)
    for ch in stable:
        assert unicodedata.combining(ch) == 0, hex(ord(ch))
        assert unicodedata.normalize("NFC", ch) == ch, hex(ord(ch))
        assert ch not in seconds and unicodedata.normalize("NFD", ch)[0] not in seconds, hex(ord(ch))
    # and DuckDB's NFC, which the reader uses for the rest, agrees on any mix of them (but NUL,
    # where it cuts the text: read as is, the control-character check finds it)
    stable.remove("\x00")
    text = "".join(random.Random(7).sample(stable * 3, len(stable) * 3))
    assert duckdb.execute("select nfc_normalize(?) = ?", [text, text]).fetchone() == (True,)


def test_every_text_is_stored_in_nfc_however_it_was_typed(landing, tmp_path):
    """A name typed with combining marks (a Mac, some Vietnamese keyboards), a unit sign that
    NFC replaces, and text that is NFC already all reach the warehouse in NFC."""
    rows = rows_of(extract(landing))
    typed = {"applicant_name": unicodedata.normalize("NFD", "Nguyễn Thị Hường"),      # decomposed
             "applicant_address": "Phòng 2 \u212b, ấp Phước Tân",                     # ANGSTROM SIGN
             "applicant_phone": "0912\u2126345"}                                        # OHM SIGN
    rows[4].update(typed)
    rows[5]["applicant_name"] = "Trần “Văn” Ánh – Đồng Xoài"                             # NFC already
    path = write_rows(tmp_path / "dossiers" / extract(landing).name, rows)
    con = duckdb.connect()
    staged = stage_file(con, path, load_contract("dossiers"))
    assert staged.issues == []
    stored = con.execute(f"select * from ({staged.select_typed}) where _row_number in (5, 6) order by _row_number").df()
    for column, value in typed.items():
        assert stored.loc[0, column] == unicodedata.normalize("NFC", value) != value, column
    assert stored.loc[0, "applicant_name"] == "Nguyễn Thị Hường"
    assert stored.loc[1, "applicant_name"] == "Trần “Văn” Ánh – Đồng Xoài"
    everyone = con.execute(f"select applicant_address from ({staged.select_typed}) order by _row_number").fetchall()
    assert [v for (v,) in everyone] == [unicodedata.normalize("NFC", r["applicant_address"].strip()) or None for r in rows]
