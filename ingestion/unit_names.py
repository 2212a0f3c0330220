"""Resolve unit names as printed in reports to unit codes of the register.

The register is the dbt seeds ``units.csv`` (codes, kinds, districts), ``unit_history.csv``
(names over time) and ``unit_aliases.csv`` (spellings met in the documents that rules
cannot derive, such as "Sở NN và PTNT"). Rules handle the rest: case, diacritics,
spacing, punctuation, prefixes (UBND, xã, phường, TT, TX, H.), a district given in the
name ("UBND xã Tân Thành - huyện Bù Đốp - tỉnh Bình Phước") or by the table, and small
typos ("Bù Gi Mập").

Communes share names across districts (Tân Thành, Tân Hưng, Minh Hưng …), so a commune
is only ever matched inside one district, and a name that still fits several units, or
none, comes back unresolved with its candidates. Nothing is guessed.

Names are looked up among the units of the province the platform serves on the report's
day (Bình Phước, 70, to 30/06/2025; today's Đồng Nai, 75, from 01/07/2025), unless the
caller names another: a workbook of the former Đồng Nai portal resolves with
``province="75"`` and a day before the merger.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tthc.config import Paths

# the day the 2025 structure began (the crosswalk's day; a register without one keeps it)
REFORM_DAY = date(2025, 7, 1)

DISTRICT_TYPES = {"huyen": "Huyện", "h": "Huyện", "thi xa": "Thị xã", "tx": "Thị xã",
                  "thanh pho": "Thành phố", "tp": "Thành phố"}
COMMUNE_TYPES = {"xa": "Xã", "phuong": "Phường", "thi tran": "Thị trấn", "tt": "Thị trấn"}
# Longest first, so that "thi xa" is tried before "xa".
TYPE_WORDS = sorted([*DISTRICT_TYPES, *COMMUNE_TYPES], key=len, reverse=True)
LAND_BRANCH = re.compile(r"^(?:cn|chi nhanh)\s*(?:van phong|vp)\s*(?:dang ky|dk)\s*(?:dat dai|dd)?\s*(?:dat dai)?\s*")
# Phrases that mean "every commune of the district in context" (004's "Các xã phường").
ALL_COMMUNES = re.compile(r"^cac xa(?: phuong)?(?: thi tran)?$|^cap xa(?: truc thuoc)?$")
FUZZY_CUTOFF = 0.85


def plain(text: str, keep_marks: bool = False) -> str:
    """Lower case, NFC, punctuation as spaces, '&' as 'và'; without marks unless kept."""
    text = unicodedata.normalize("NFC", text).lower().replace("&", " và ")
    if not keep_marks:
        text = unicodedata.normalize("NFD", text.replace("đ", "d"))
        text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def split_type(text: str) -> tuple[str | None, str]:
    """'ubnd xa tan thanh' -> ('xa', 'tan thanh'), on text already made plain."""
    text = re.sub(r"^(?:ubnd|uy ban nhan dan)\s+", "", text)
    for word in TYPE_WORDS:
        if text.startswith(word + " "):
            return word, text[len(word) + 1:]
    return None, text


def split_place(name: str, keep_marks: bool = False) -> tuple[str, list[str]]:
    """The unit part of a printed name and the places appended to it, made plain:
    'UBND xã Tân Thành - huyện Bù Đốp - tỉnh Bình Phước' -> ('ubnd xa tan thanh',
    ['huyen bu dop', 'tinh binh phuoc']). A note in brackets ('Minh Hưng (CTH)') is dropped;
    a dash inside a name ('Sở Văn hóa - Thể thao và DL') stays part of it."""
    parts = re.split(r"\s+-\s+", re.sub(r"\s*\(.*?\)", "", name).strip())
    suffixes = []
    while len(parts) > 1 and split_type(plain(parts[-1]))[0] in DISTRICT_TYPES or (
            len(parts) > 1 and plain(parts[-1]).startswith("tinh ")):
        suffixes.insert(0, plain(parts.pop(), keep_marks))
    return plain(" - ".join(parts), keep_marks), suffixes


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str
    district_code: str
    valid_from: date
    valid_to: date | None
    province: str = ""               # the province the version belongs to: 70, or 75 (before and after 2025)
    marked: str = ""                 # the name without its type word, plain but with marks: 'lộc thạnh'
    key: str = ""                    # the same without marks or spaces: 'locthanh'

    def valid_on(self, day: date | None) -> bool:
        return day is None or (self.valid_from <= day and (self.valid_to is None or day <= self.valid_to))

    def in_province(self, province: str | None, register: "UnitRegister") -> bool:
        """In the given province; by default in the province the platform served then: the
        portal's before the register's merger day (Bình Phước, 70, in Đồng Nai's register),
        the home's province from it (today's Đồng Nai, 75)."""
        if province is not None:
            return self.province == province
        if self.valid_from < register.merger:
            return self.province == register.portal_province
        return self.province == register.home_province

    def label(self, register: "UnitRegister") -> str:
        district = register.district_name(self.district_code)
        inside = f" ({district})" if district and self.kind != "district" else ""
        return f"{self.code} {self.name}{inside}"


@dataclass
class Resolution:
    name: str
    code: str | None
    status: str                       # resolved | ambiguous | unknown | not_in_force (ended, or not yet begun, on the day)
    how: str = ""                     # exact | alias | confirmed | typo | elimination | all_communes
    candidates: list[str] = field(default_factory=list)   # "code name (district)"
    scope: str = "self"               # self | children: the unit itself, or every unit under it

    note: str = ""                    # for a unit not in force: which, when it ended (or begins), its successor

    @property
    def message(self) -> str:
        if self.status == "resolved":
            return f"{self.name!r} -> {self.code} ({self.how})"
        if self.status == "not_in_force":
            return f"unit {self.name!r} {self.note}"
        if not self.candidates:
            return f"unknown unit {self.name!r}: no unit of the register comes close"
        return f"{self.status} unit {self.name!r}: candidates {'; '.join(self.candidates)}"


class UnitRegister:
    """Every version of every unit, and the rules that match printed names to them."""

    def __init__(self, seeds: Path | None = None, confirmed: Path | None = None):
        """``seeds``: the register's folder (dbt_project/registers/<code>; Đồng Nai's by default)."""
        from tthc.config import register_folder

        seeds = seeds or register_folder()
        with open(seeds / "home_province.csv", encoding="utf-8") as f:
            (home,) = csv.DictReader(f)
        self.home_province, self.portal_province = home["province_code"], home["portal_province_code"]
        with open(seeds / "units.csv", encoding="utf-8") as f:
            units = {r["unit_code"]: r for r in csv.DictReader(f)}
        with open(seeds / "unit_history.csv", encoding="utf-8") as f:
            history = list(csv.DictReader(f))
        with open(seeds / "unit_aliases.csv", encoding="utf-8") as f:
            self.aliases = {plain(r["alias"]): r["unit_code"] for r in csv.DictReader(f)}
        # the names the office confirmed once (``tthc units alias add``): used by every later load
        self.confirmed = {plain(r["alias"]): r["unit_code"] for r in read_confirmed(confirmed)} if confirmed else {}
        with open(seeds / "unit_crosswalk_2025.csv", encoding="utf-8") as f:
            self.crosswalk = {r["old_code"]: r for r in csv.DictReader(f)}
        # the day the portal's province joined the home's (Bình Phước joined Đồng Nai)
        self.merger = min((date.fromisoformat(r["valid_from"]) for r in self.crosswalk.values()), default=REFORM_DAY)
        # the other provinces merged into the home's, whose units are predecessors here (the
        # former Đồng Nai in Đồng Nai's register): a report of theirs resolves among their names
        self.other_provinces = sorted({h["province_code"] for h in history
                                       if date.fromisoformat(h["valid_from"]) < self.merger} - {self.portal_province})
        # the name keys are computed once here: every resolve compares against all of them
        self.versions = [
            Unit(h["unit_code"], h["unit_name"],
                 # a code reused in 2025 by a new commune keeps the kind; 75 is a province
                 units[h["unit_code"]]["unit_kind"], h["district_code"],
                 date.fromisoformat(h["valid_from"]),
                 date.fromisoformat(h["valid_to"]) if h["valid_to"] else None,
                 province=h["province_code"],
                 marked=split_type(plain(h["unit_name"], keep_marks=True))[1],
                 key=split_type(plain(h["unit_name"]))[1].replace(" ", ""))
            for h in history
        ]

    def district_name(self, code: str) -> str:
        names = [v.name for v in self.versions if v.code == code and v.kind == "district"]
        return names[0] if names else ""

    def resolve(self, name: str, *, district: str | None = None, kinds: set[str] | None = None,
                on: date | None = None, province: str | None = None) -> Resolution:
        """One name; ``district`` is the code the table's context gives, ``kinds`` the unit kinds
        its section admits, ``on`` the day the report speaks of (units valid that day only),
        ``province`` another province than the platform's (the former Đồng Nai: 75).
        A name that fits only a unit which no longer exists on ``on`` comes back ``not_in_force``,
        naming the unit, its last day and its successor: never counted under it."""
        found = self._resolve(name, district=district, kinds=kinds, on=on, province=province)
        if on is not None and found.how == "typo":
            # a near name in force must not stand in for the exact name of a unit that ended
            exact = self._resolve(name, district=district, kinds=kinds, on=None, province=province)
            if exact.status == "resolved" and exact.how in ("exact", "alias", "confirmed") and not self._exists(exact.code, on):
                return self._not_in_force(name, exact.code, on)
        if on is None or (found.status == "resolved" and (found.scope == "children" or self._exists(found.code, on))):
            return found
        if found.status != "resolved":
            found = self._resolve(name, district=district, kinds=kinds, on=None, province=province)
            if found.status != "resolved" or found.scope == "children" or self._exists(found.code, on):
                return self._resolve(name, district=district, kinds=kinds, on=on, province=province)
        return self._not_in_force(name, found.code, on)

    def kind_of(self, code: str) -> str | None:
        return next((v.kind for v in self.versions if v.code == code), None)

    def _exists(self, code: str, on: date) -> bool:
        return any(v.code == code and v.valid_on(on) for v in self.versions)

    def _not_in_force(self, name: str, code: str, on: date) -> Resolution:
        last = max((v for v in self.versions if v.code == code and v.valid_to and v.valid_to < on),
                   key=lambda v: v.valid_to, default=None)
        if last is None:  # not yet in force on the day
            first = min(v.valid_from for v in self.versions if v.code == code)
            return Resolution(name, None, "not_in_force", note=f"is {code}, in force only from {first:%d/%m/%Y}: "
                                                        f"not on {on:%d/%m/%Y}, the day the report speaks of")
        note = f"is {code} {last.name}, which ended on {last.valid_to:%d/%m/%Y}: not a unit on {on:%d/%m/%Y}, the day the report speaks of"
        row = self.crosswalk.get(code)
        candidates = []
        if row and row["new_code"]:
            note += f"; its successor is {row['new_code']} {row['new_name']} ({row['basis']})"
            candidates = [f"{row['new_code']} {row['new_name']} (successor)"]
        elif row:
            note += f"; {row['basis']}"
        else:
            note += "; the register names no successor"
        return Resolution(name, None, "not_in_force", candidates=candidates, note=note)

    def _resolve(self, name: str, *, district: str | None, kinds: set[str] | None, on: date | None,
                 province: str | None) -> Resolution:
        head, suffixes = split_place(name)
        for part in suffixes:                     # "... - huyện Bù Đốp - tỉnh Bình Phước"
            word, core = split_type(part)
            if word in DISTRICT_TYPES:
                found = self._match(core, core, {"district"}, None, on, DISTRICT_TYPES[word], province=province)
                if found.status != "resolved":
                    return Resolution(name, None, found.status, candidates=found.candidates)
                district = found.code
        if head in self.aliases or plain(name) in self.aliases:
            return Resolution(name, self.aliases.get(head) or self.aliases[plain(name)], "resolved", "alias")
        if plain(name) in self.confirmed:
            return Resolution(name, self.confirmed[plain(name)], "resolved", "confirmed")
        if ALL_COMMUNES.match(head) and district:
            return Resolution(name, district, "resolved", "all_communes", scope="children")
        branch = LAND_BRANCH.match(head)
        if branch:
            word, core = split_type(head[branch.end():])
            found = self._match(core, core, {"district"}, None, on, None, province=province)
            if found.status != "resolved":
                return Resolution(name, None, found.status, candidates=found.candidates)
            return Resolution(name, f"LRB-{found.code}", "resolved", found.how)
        word, core = split_type(head)
        if word in DISTRICT_TYPES:
            kinds = {"district"} if kinds is None else kinds & {"district"}
            wanted_type = DISTRICT_TYPES[word]
        elif word in COMMUNE_TYPES:
            kinds = {"commune"} if kinds is None else kinds & {"commune"}
            wanted_type = COMMUNE_TYPES[word]
        else:
            wanted_type = None
        marked = split_type(split_place(name, keep_marks=True)[0])[1]
        return self._match(core, marked, kinds, district, on, wanted_type, name, province)

    def _match(self, core: str, marked: str, kinds, district, on, wanted_type, name: str | None = None,
               province: str | None = None) -> Resolution:
        """``core``: the name without type word, plain; ``marked``: the same with its marks kept."""
        name = name or core
        key = core.replace(" ", "")
        pool = [v for v in self.versions if v.valid_on(on) and v.in_province(province, self) and (kinds is None or v.kind in kinds)
                and (district is None or v.kind not in ("commune", "land_branch") or v.district_code == district)]
        for how, matches in (
            ("exact", [v for v in pool if v.marked == marked]),
            ("exact", [v for v in pool if v.key == key]),
        ):
            matches = self._distinct(matches, wanted_type)
            if len(matches) == 1:
                return Resolution(name, matches[0].code, "resolved", how)
            if len(matches) > 1:
                return Resolution(name, None, "ambiguous", candidates=[m.label(self) for m in matches])
        keys = {}
        for v in pool:
            keys.setdefault(v.key, []).append(v)
        close = difflib.get_close_matches(key, list(keys), n=3, cutoff=FUZZY_CUTOFF)
        best = self._distinct([v for k in close[:1] for v in keys[k]], wanted_type)
        if len(close) == 1 and len(best) == 1:
            return Resolution(name, best[0].code, "resolved", "typo", candidates=[best[0].label(self)])
        near = difflib.get_close_matches(key, list(keys), n=3, cutoff=0.6)
        candidates = [v.label(self) for k in near for v in self._distinct(keys[k], None)]
        return Resolution(name, None, "ambiguous" if close else "unknown", candidates=candidates)

    @staticmethod
    def _distinct(matches: list[Unit], wanted_type: str | None) -> list[Unit]:
        """One entry per code; among several codes, those of the printed type if that decides."""
        by_code = {v.code: v for v in matches}
        units = list(by_code.values())
        if len(units) > 1 and wanted_type:
            typed = [v for v in units if v.name.startswith(wanted_type)]
            if typed:
                units = typed
        return units

    def resolve_table(self, names: list[tuple[str, dict]]) -> list[Resolution]:
        """Names of one table, each with its context (district, kinds, on). A table lists a
        unit once, so an ambiguous name whose other candidates are all named elsewhere in
        the table is resolved by elimination, and says so."""
        results = [self.resolve(n, **ctx) for n, ctx in names]
        taken = {r.code for r in results if r.code}
        for r in results:
            if r.status == "ambiguous":
                left = [c for c in r.candidates if c.split(" ", 1)[0] not in taken]
                if len(left) == 1:
                    r.code, r.status, r.how = left[0].split(" ", 1)[0], "resolved", "elimination"
                    taken.add(r.code)
        return results


CONFIRMED_COLUMNS = ["alias", "unit_code", "confirmed_by", "confirmed_at"]


def read_confirmed(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def confirm_alias(path: Path, alias: str, code: str, by: str) -> dict:
    """Keep the office's confirmation that ``alias`` names ``code`` (reference data: who, when)."""
    if register().kind_of(code) is None:
        raise ValueError(f"{code} is not a unit code of the register")
    key = plain(alias)
    rows = [r for r in read_confirmed(path) if plain(r["alias"]) != key]      # a correction replaces the earlier one
    row = {"alias": alias, "unit_code": code, "confirmed_by": by, "confirmed_at": f"{datetime.now():%Y-%m-%d %H:%M:%S}"}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with open(partial, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CONFIRMED_COLUMNS)
        writer.writeheader()
        writer.writerows([*rows, row])
    partial.replace(path)
    return row


def register(home: "Paths | None" = None) -> UnitRegister:
    """The register of ``home`` (its province's; by default the home chosen by TTHC_HOME and
    TTHC_PROVINCE), with the office's confirmed names (re-read when they change)."""
    from tthc.config import paths

    home = home or paths()
    path = home.confirmed_aliases
    return _register(home.register, path, path.stat().st_mtime_ns if path.exists() else 0)


@cache
def _register(seeds: Path, confirmed: Path, version: int) -> UnitRegister:
    return UnitRegister(seeds, confirmed=confirmed)
