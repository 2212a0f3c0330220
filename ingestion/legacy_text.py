"""Vietnamese typed in the legacy font encodings that old office files still carry.

Before Unicode, offices typed Vietnamese with TCVN3 (ABC: .VnTime fonts) or VNI fonts,
which store it as Latin-1 characters: "Tæng sè hå s¬" (TCVN3) or "Toång soá hoà sô" (VNI)
for "Tổng số hồ sơ". A cell is legacy text when it is not well-formed Vietnamese — a
character outside the Vietnamese alphabet, or a word with two tone marks — and decoding
it in one encoding makes it well-formed. A sheet is decoded in the encoding that makes
most of its legacy cells well-formed; a cell that neither makes well-formed is reported,
never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# TCVN3 (TCVN 5712:1993, VN3): one byte per letter. Upper-case toned letters were typed
# with the same bytes in an upper-case font (.VnTimeH), so they decode to lower case.
TCVN3 = dict(zip(
    "¸µ¶·¹¨¾»¼½Æ©ÊÇÈÉË®ÐÌÎÏÑªÕÒÓÔÖÝ×ØÜÞãßáâä«èåæçé¬íêëìîóïñòô\xadøõö÷ùýúûüþ¡¢§£¤¥¦",
    "áàảãạăắằẳẵặâấầẩẫậđéèẻẽẹêếềểễệíìỉĩịóòỏõọôốồổỗộơớờởỡợúùủũụưứừửữựýỳỷỹỵĂÂĐÊÔƠƯ"))

# VNI: a base letter followed by the byte of its marks; a few letters are one byte.
_VNI_MARKS = {
    "ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323",
    "â": "\u0302", "á": "\u0302\u0301", "à": "\u0302\u0300", "å": "\u0302\u0309", "ã": "\u0302\u0303", "ä": "\u0302\u0323",
    "ê": "\u0306", "é": "\u0306\u0301", "è": "\u0306\u0300", "ú": "\u0306\u0309", "ü": "\u0306\u0303", "ë": "\u0306\u0323",
}
VNI_MARKS = {**_VNI_MARKS, **{k.upper(): v for k, v in _VNI_MARKS.items()}}
VNI_LETTERS = {"ñ": "đ", "Ñ": "Đ", "ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư", "æ": "ỉ", "Æ": "Ỉ",
               "ó": "ĩ", "Ó": "Ĩ", "ò": "ị", "Ò": "Ị", "î": "ỵ", "Î": "Ỵ"}

VOWELS = set("aăâeêioôơuưy")
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
# the vowel groups a Vietnamese syllable can have (tones aside): "Toồng" is no word
NUCLEI = set("""a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi ua uâ uê ui uô uơ uy
    ưa ưi ươ ưu yê iêu yêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu""".split())
SHAPES = {"\u0302", "\u0306", "\u031b"}       # circumflex, breve, horn
LETTERS = re.compile(r"[^\W\d_]+")


def is_vietnamese(text: str) -> bool:
    """Well-formed Vietnamese (or plain ASCII): each word of Vietnamese letters, marks only
    on vowels, at most one tone, and a vowel group a syllable can have."""
    for i, ch in enumerate(text):
        if 0x80 <= ord(ch) <= 0xFF and ch != "\xa0" and len(unicodedata.normalize("NFD", ch)) == 1:
            # a Latin-1 letter, or a sign inside a word ("§ång", "s¬"); a sign on its own or
            # before a numbering ("§3", "§II.5", "20 × 3") is punctuation
            if ch.isalpha() or any(0 <= j < len(text) and (text[j].islower() or 0x80 <= ord(text[j]) <= 0xFF)
                                   for j in (i - 1, i + 1)):
                return False
    return all(_syllable(word) for word in LETTERS.findall(unicodedata.normalize("NFC", text)))


def _syllable(word: str) -> bool:
    if word.isascii():
        return True
    shaped, tones = [], 0
    for ch in unicodedata.normalize("NFD", word.lower()):
        if unicodedata.combining(ch):
            if not shaped or shaped[-1] not in "aeiouy" and unicodedata.normalize("NFD", shaped[-1])[0] not in "aeiouy":
                return False                # a mark on a consonant: "ñ"
            if ch in TONES:
                tones += 1
            elif ch in SHAPES:
                shaped[-1] = unicodedata.normalize("NFC", shaped[-1] + ch)
                if shaped[-1] not in VOWELS:
                    return False            # "û": no Vietnamese vowel has that shape
            else:
                return False                # a ring, a diaeresis: "å", "ü"
        elif ch == "đ" or ch.isascii():
            shaped.append(ch)
        else:
            return False
    letters = "".join(shaped)
    if letters.startswith(("gi", "qu")) and len(letters) > 2 and letters[2] in VOWELS:
        letters = letters[2:]               # gi-, qu- are consonants before a vowel
    return tones <= 1 and all(group in NUCLEI for group in re.findall(f"[{''.join(sorted(VOWELS))}]+", letters))


def from_tcvn3(text: str) -> str:
    def word(part: str) -> str:
        decoded = "".join(TCVN3.get(ch, ch) for ch in part)
        ascii_letters = [ch for ch in part if ch.isascii() and ch.isalpha()]
        # an upper-case word typed in the upper-case font: its toned letters are upper case too
        return decoded.upper() if len(ascii_letters) > 1 and all(ch.isupper() for ch in ascii_letters) else decoded
    return unicodedata.normalize("NFC", "".join(word(p) for p in re.split(r"(\s+)", text)))


def from_vni(text: str) -> str:
    out: list[str] = []
    for ch in text:
        if ch in VNI_MARKS and out and unicodedata.normalize("NFD", out[-1])[0].lower() in "aeiouy":
            out[-1] = unicodedata.normalize("NFC", unicodedata.normalize("NFD", out[-1]) + VNI_MARKS[ch])
        else:
            out.append(VNI_LETTERS.get(ch, ch))
    return unicodedata.normalize("NFC", "".join(out))


DECODERS = {"TCVN3": from_tcvn3, "VNI": from_vni}


def legacy(text: str) -> bool:
    """Text that is not well-formed Vietnamese and holds Latin-1 letters the legacy fonts use."""
    return any(0x80 <= ord(ch) <= 0xFF for ch in text) and not is_vietnamese(text)


def sheet_encoding(texts: list[str]) -> str | None:
    """The legacy encoding that makes most of a sheet's legacy cells well-formed, if any does."""
    cells = [t for t in texts if legacy(t)]
    if not cells:
        return None
    fits = {name: sum(is_vietnamese(decode(t)) for t in cells) for name, decode in DECODERS.items()}
    best = max(fits, key=fits.get)
    return best if fits[best] else None


@dataclass(frozen=True)
class Conversion:
    row: int               # Excel row number
    column: int            # 1-based
    found: str             # as stored in the cell
    text: str              # decoded, NFC; empty when it could not be decoded
    encoding: str | None


def decode_cells(rows: list[tuple[int, list]]) -> list[Conversion]:
    """Decode, in place, a sheet's legacy text cells (``rows`` as (row number, values)) in the
    sheet's legacy encoding; each cell it changes, or could not decode, comes back.

    In a sheet typed in a legacy font, a cell that happens to read as Vietnamese ("Léc" for
    "Lộc") is legacy too: every cell with Latin-1 letters and none beyond is decoded when
    that gives Vietnamese, and each is named, so the office sees what was read."""
    encoding = sheet_encoding([v for _, values in rows for v in values if isinstance(v, str)])
    out = []
    for number, values in rows:
        for j, value in enumerate(values):
            if not isinstance(value, str):
                continue
            if legacy(value):
                text = DECODERS[encoding](value) if encoding else ""
                if not is_vietnamese(text):
                    out.append(Conversion(number, j + 1, value, "", encoding))
                    continue
            elif encoding and _latin1_only(value):
                text = DECODERS[encoding](value)
                if text == value or not is_vietnamese(text):
                    continue
            else:
                continue
            values[j] = text
            out.append(Conversion(number, j + 1, value, text, encoding))
    return out


def _latin1_only(text: str) -> bool:
    return any(0x80 <= ord(ch) <= 0xFF for ch in text) and all(ord(ch) <= 0xFF for ch in text)
