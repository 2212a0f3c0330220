"""What a unit report says about itself: its period and the unit that sent it.

The period is read from wherever the document states it — "từ ngày … đến ngày …",
"đến ngày …", "Quý I/2022", "6 tháng đầu năm 2024", "tháng 3/2024", "năm 2024" — typos
such as "14/3//2022" included, and never from the date of the plan a title cites ("Kế
hoạch số 170/KH-UBND ngày 01 tháng 6 năm 2022"). The sender is read from the title
("… của UBND huyện Bù Đăng") or the signature block ("TM. ỦY BAN NHÂN DÂN HUYỆN BÙ ĐĂNG").

Where the workbook does not say it, the office does, in a sidecar file named after the
workbook (``bao_cao.xlsx.yaml``, written by ``tthc unit-report add``):

    period: 2022Q1            # or 2022-03, 2022H1, 2022, 2021-12-15..2022-03-14
    unit: UBND huyện Bù Đăng  # optional: the unit that sent it
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

DATE = r"(\d{1,2})\s*/+\s*(\d{1,2})\s*/+\s*(\d{4})"
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
# words that follow the issuing authority in a document's head: the national motto, the number
NOT_A_NAME = {"CỘNG", "ĐỘC", "SỐ", "SỐ:", "V/V", "BÁO", "KẾ"}


@dataclass(frozen=True)
class Given:
    period: tuple[dt.date, dt.date] | None = None
    unit: str | None = None


def sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".yaml")


def given_for(path: Path) -> Given:
    """What the office gave for a workbook in its sidecar file (nothing when there is none)."""
    side = sidecar(path)
    if not side.exists():
        return Given()
    spec = yaml.safe_load(side.read_text(encoding="utf-8")) or {}
    if not isinstance(spec, dict):
        raise ValueError(f"{side.name}: expected 'period:' and optionally 'unit:', found {spec!r}")
    period = parse_period(str(spec["period"])) if spec.get("period") else None
    return Given(period, spec.get("unit") or None)


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """A period as the office writes it on the command line: 2022Q1, 2022-03, 2022H1, 2022,
    or 2021-12-15..2022-03-14."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})\.\.(\d{4})-(\d{2})-(\d{2})", text):
        start, end = dt.date(*map(int, m.groups()[:3])), dt.date(*map(int, m.groups()[3:]))
        if end < start:
            raise ValueError(f"period {text!r}: it ends before it starts")
        return start, end
    if m := re.fullmatch(r"(\d{4})[Qq]([1-4])", text):
        return _months(int(m[1]), 3 * int(m[2]) - 2, 3 * int(m[2]))
    if m := re.fullmatch(r"(\d{4})[Hh]([12])", text):
        return _months(int(m[1]), 6 * int(m[2]) - 5, 6 * int(m[2]))
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        return _months(int(m[1]), int(m[2]), int(m[2]))
    if re.fullmatch(r"\d{4}", text):
        return _months(int(text), 1, 12)
    raise ValueError(f"period {text!r}: write 2022Q1, 2022-03, 2022H1, 2022 or 2021-12-15..2022-03-14")


def find_period(text: str) -> tuple[dt.date | None, dt.date] | None:
    """The period a document's text states (start None: "to date" only), or None."""
    text = _bare(text)
    text = re.sub(r"ngay\s*\d{1,2}\s*thang\s*\d{1,2}\s*nam\s*\d{4}", " ", text)   # a document's own date
    try:
        if m := re.search(rf"tu(?: ngay)?\s*{DATE}\s*den(?: het)?(?: ngay)?\s*{DATE}", text):
            d, mo, y, d2, mo2, y2 = map(int, m.groups())
            return dt.date(y, mo, d), dt.date(y2, mo2, d2)
        if m := re.search(rf"den(?: het)?(?: ngay)?\s*{DATE}", text):
            d, mo, y = map(int, m.groups())
            return None, dt.date(y, mo, d)
    except ValueError:
        return None            # an impossible date: no period rather than a wrong one
    if m := re.search(r"quy\s*(iv|iii|ii|i|[1-4])\s*(?:/|nam)\s*(\d{4})", text):
        q = ROMAN.get(m[1]) or int(m[1])
        return _months(int(m[2]), 3 * q - 2, 3 * q)
    if m := re.search(r"(6|9)\s*thang\s*(dau|cuoi)\s*nam\s*(\d{4})", text):
        first, last = (1, int(m[1])) if m[2] == "dau" else (13 - int(m[1]), 12)
        return _months(int(m[3]), first, last)
    if m := re.search(r"thang\s*(\d{1,2})\s*(?:/|nam)\s*(\d{4})", text):
        if 1 <= int(m[1]) <= 12:
            return _months(int(m[2]), int(m[1]), int(m[1]))
    if m := re.search(r"nam\s*(\d{4})", text):
        return _months(int(m[1]), 1, 12)
    return None


def find_sender(text: str) -> str | None:
    """The sending unit a title or signature block names ("… của UBND huyện Bù Đăng",
    "TM. ỦY BAN NHÂN DÂN HUYỆN BÙ ĐĂNG"), as printed, or None."""
    flat = " ".join(text.split())
    patterns = (r"\bcủa\s+((?:UBND|Ủy ban nhân dân|ủy ban nhân dân)\s+(?:huyện|thị xã|thành phố|xã|phường|thị trấn)"
                r"\s+[^\s,.;()]+(?:\s+[^\s,.;()]+){0,3}?)(?=\s*(?:[,.;()]|$|về|năm|tháng|quý|từ|đến))",
                r"\bTM\.?\s+((?:ỦY BAN NHÂN DÂN|UBND)\s+(?:HUYỆN|THỊ XÃ|THÀNH PHỐ)\s+[^\s,.;()]+(?:\s+[^\s,.;()]+){0,3}?)"
                r"(?=\s*(?:[,.;()]|$|KT\.?|CHỦ TỊCH|PHÓ))")
    for pattern in patterns:
        if m := re.search(pattern, flat):
            return _as_printed(m[1])
    # the issuing authority at the head of the document: "ỦY BAN NHÂN DÂN HUYỆN BÙ ĐĂNG"
    words = flat.split()
    for i in range(len(words)):
        head = " ".join(words[i:i + 5])
        lead = next((p for p in ("ỦY BAN NHÂN DÂN ", "UBND ") if head.startswith(p)), None)
        if lead is None:
            continue
        rest = words[i + len(lead.split()):]
        if rest and rest[0] in ("HUYỆN", "THỊ", "THÀNH"):
            name = []
            for word in rest:
                if not word.isupper() or word in NOT_A_NAME or len(name) >= 5:
                    break
                name.append(word)
            return _as_printed("UBND " + " ".join(name))
    return None


def _as_printed(name: str) -> str:
    return name.title().replace("Ubnd", "UBND").replace("Ủy Ban Nhân Dân", "UBND") if name.isupper() else name


def _months(year: int, first: int, last: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])


def _bare(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return " ".join("".join(c for c in text if unicodedata.category(c) != "Mn").split())
