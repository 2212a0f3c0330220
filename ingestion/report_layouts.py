"""The layouts of the unit reports, declared as data in ``report_templates/*.yaml``.

A layout says how to recognise a table (phrases its header block must contain, and
phrases its title block must contain when two tables share a header), its columns in
order after the STT column, what the rows of each section name (unit kinds) and count
(the unit itself, or every unit under it), and what the checks compare: identities,
printed percentages, and the figures reconciled against the portal. Adding a layout is
adding a file; no code changes.
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
    kind: str                        # name | count | percent | status
    values: tuple[str, ...] = ()     # the allowed texts of a status column


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
    signature: tuple[str, ...]
    title_signature: tuple[str, ...]
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

    def matches(self, header_text: str, title_text: str) -> bool:
        return all(plain(p) in header_text for p in self.signature) and all(
            plain(p) in title_text for p in self.title_signature)


def _section(spec: dict) -> Section:
    kinds = spec.get("kinds")
    return Section(frozenset(kinds) if kinds else None, spec.get("scope", "self"), bool(spec.get("section_sets_district")))


def load_layout(path: Path) -> Layout:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    reconcile = {k: tuple(v) if isinstance(v, list) else (v,) for k, v in (spec.get("reconcile") or {}).items()}
    return Layout(
        name=spec["name"], title=spec["title"],
        signature=tuple(spec["signature"]), title_signature=tuple(spec.get("title_signature") or ()),
        columns=tuple(ReportColumn(c["name"], c["kind"], tuple(c.get("values") or ())) for c in spec["columns"]),
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
    return tuple(load_layout(p) for p in sorted(TEMPLATES.glob("*.yaml")))
