"""The layouts of the unit reports, declared as data in ``report_templates/*.yaml``.

A layout says how to recognise a table — by the set of columns it has, each column by any
of its wordings (every word of one wording in the column's heading, in any order, marks
kept, after the abbreviations of ``_abbreviations.yaml`` are expanded), and, when two tables have the
same columns, by words of its title — what the rows of each section name (unit kinds) and
count (the unit itself, or every unit under it), and what the checks compare: identities,
printed percentages, and the figures reconciled against the portal. Adding a layout, or a
wording an office uses, is editing a file; no code changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from ingestion.unit_names import plain

TEMPLATES = Path(__file__).with_name("report_templates")


@dataclass(frozen=True)
class ReportColumn:
    name: str
    kind: str                        # name | count | percent | change | status
    values: tuple[str, ...] = ()     # the allowed texts of a status column
    wordings: tuple[frozenset[str], ...] = ()   # each as the set of its plain words
    group: str | None = None         # the KPI of a column that comes in a group per KPI (kpi_table)

    def fit(self, heading: frozenset[str]) -> int:
        """How well a heading names this column: the words of its longest wording the
        heading holds all of, or 0."""
        return max((len(w) for w in self.wordings if w <= heading), default=0)


@dataclass(frozen=True)
class Section:
    kinds: frozenset[str] | None
    scope: str = "self"              # self | children
    sets_district: bool = False      # the section row names the district of its rows


@dataclass(frozen=True)
class Identity:
    name: str
    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Percentage:
    column: str
    numerator: str
    denominator: str
    decimals: int


@dataclass(frozen=True)
class Layout:
    name: str
    title: str
    title_signature: tuple[frozenset[str], ...]
    columns: tuple[ReportColumn, ...]
    sections: dict[str, Section]
    default_section: Section
    district_rows_set_context: bool
    identities: tuple[Identity, ...]
    percentages: tuple[Percentage, ...]
    reconcile: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def counts(self) -> list[str]:
        return [c.name for c in self.columns if c.kind == "count"]

    def section(self, code: str | None) -> Section:
        if code is None:
            return self.default_section
        return self.sections.get(code) or self.sections.get("*") or self.default_section

    def match(self, headings: dict[int, str], title: str) -> "LayoutMatch":
        """Assign each of the layout's columns to one of the sheet's (column index ->
        heading): the best-fitting pairs first, so that "đã giải quyết / quá hạn" and
        "đang giải quyết / quá hạn" each go to the column whose whole heading names it."""
        words = {j: words_of(h) for j, h in headings.items()}
        pairs = sorted(((c.fit(words[j]), -len(words[j]), -j, c.name, j) for c in self.columns for j in words
                        if c.fit(words[j])), reverse=True)
        assigned: dict[str, int] = {}
        for _, _, _, name, j in pairs:
            if name not in assigned and j not in assigned.values():
                assigned[name] = j
        title_words = words_of(title)
        return LayoutMatch(self, {c.name: assigned[c.name] for c in self.columns if c.name in assigned},
                           [c.name for c in self.columns if c.name not in assigned],
                           all(w <= title_words for w in self.title_signature), headings)


@dataclass
class LayoutMatch:
    layout: Layout
    columns: dict[str, int]          # layout column -> the sheet's column index (0-based)
    missing: list[str]
    title_fits: bool
    headings: dict[int, str]

    @property
    def complete(self) -> bool:
        """Every column the layout has, or, for a layout of KPI groups, every column outside
        them and the rate of at least one KPI."""
        grouped = {c.name for c in self.layout.columns if c.group}
        if not grouped:
            return not self.missing and self.title_fits
        rates = [c.name for c in self.layout.columns if c.group and c.name.endswith("_rate")]
        return (self.title_fits and not set(self.missing) - grouped and any(r in self.columns for r in rates))

    @property
    def twins(self) -> dict[str, list[int]]:
        """Layout columns whose heading the sheet has more than once (an inserted copy of a
        column): which one holds the figures is not guessed."""
        words = {j: words_of(h) for j, h in self.headings.items()}
        taken = set(self.columns.values())
        return {name: [j, *same] for name, j in self.columns.items()
                if (same := [k for k in words if k not in taken and words[k] and words[k] == words[j]])}

    @property
    def ignored(self) -> list[int]:
        """The sheet's columns with a heading that no column of the layout took."""
        return [j for j, h in self.headings.items() if h.strip() and j not in self.columns.values()]


@cache
def _abbreviations() -> dict[str, str]:
    spec = yaml.safe_load((TEMPLATES / "_abbreviations.yaml").read_text(encoding="utf-8"))
    return {plain(k, keep_marks=True): plain(v, keep_marks=True) for k, v in spec.items()}


def words_of(text: str) -> frozenset[str]:
    """The words of a heading, lower case with their marks ("quá hạn" is not "kết quả"),
    abbreviations expanded."""
    out = set()
    for word in plain(text, keep_marks=True).split():
        out.update(_abbreviations().get(word, word).split())
    return frozenset(out)


def best_match(headings: dict[int, str], title: str) -> tuple[LayoutMatch | None, LayoutMatch | None]:
    """The layout a table is, if one fits wholly (the one with the most columns), and else
    the closest (the most columns recognised), to say what the sheet lacks."""
    matches = [layout.match(headings, title) for layout in layouts()]
    complete = [m for m in matches if m.complete]
    if complete:
        return max(complete, key=lambda m: len(m.columns)), None
    closest = max(matches, key=lambda m: (len(m.columns) - len(m.missing), m.title_fits), default=None)
    return None, closest


def _section(spec: dict) -> Section:
    kinds = spec.get("kinds")
    return Section(frozenset(kinds) if kinds else None, spec.get("scope", "self"), bool(spec.get("section_sets_district")))


def load_layout(path: Path) -> Layout:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    reconcile = {k: tuple(v) if isinstance(v, list) else (v,) for k, v in (spec.get("reconcile") or {}).items()}
    columns = [ReportColumn(c["name"], c["kind"], tuple(c.get("values") or ()), tuple(words_of(w) for w in c["wordings"]))
               for c in spec["columns"]]
    groups = spec.get("groups") or {}
    for kpi, kpi_wordings in (groups.get("of") or {}).items():
        for part in groups["parts"]:
            columns.append(ReportColumn(
                f"{kpi}_{part['name']}", part["kind"], tuple(part.get("values") or ()),
                tuple(words_of(k) | words_of(p) for k in kpi_wordings for p in part["wordings"]), kpi))
    return Layout(
        name=spec["name"], title=spec["title"],
        title_signature=tuple(words_of(t) for t in spec.get("title_signature") or ()),
        columns=tuple(columns),
        sections={str(k): _section(v) for k, v in (spec.get("sections") or {}).items()},
        default_section=_section({"kinds": spec.get("default_kinds")}),
        district_rows_set_context=bool(spec.get("district_rows_set_context")),
        identities=tuple(Identity(i["name"], i["total"], tuple(i["parts"])) for i in spec.get("identities") or ()),
        percentages=tuple(Percentage(p["column"], p["numerator"], p["denominator"], int(p.get("decimals", 0)))
                          for p in spec.get("percentages") or ()),
        reconcile=reconcile,
    )


@cache
def layouts() -> tuple[Layout, ...]:
    return tuple(load_layout(p) for p in sorted(TEMPLATES.glob("*.yaml")) if not p.name.startswith("_"))
