"""Source contracts, declared once as YAML in ``ingestion/contracts/`` and read here.

The reader (which headers mean which column, how to parse each type), the load checks
(keys, allowed values, date order) and ``docs/contracts.md`` all come from these objects.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

CONTRACT_DIR = Path(__file__).parent / "contracts"
TYPES = {"text": "VARCHAR", "integer": "BIGINT", "boolean": "BOOLEAN", "timestamp": "TIMESTAMP", "date": "DATE"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    required: bool = False
    personal: bool = False
    aliases: tuple[str, ...] = ()
    allowed: tuple[int | str, ...] = ()
    in_register: bool = False        # a unit code of the unit register (dbt seed units.csv)
    example: str = ""
    minimum: int | None = None       # plausibility: the smallest value that can be true
    minimum_severity: str = "error"  # error quarantines the file, finding is reported
    minimum_why: str = ""            # the one-line reason for that severity, shown in the doc

    @property
    def sql_type(self) -> str:
        return TYPES[self.type]


@dataclass(frozen=True)
class Contract:
    source: str
    title: str
    description: str
    file_name: str
    formats: str
    unique_key: tuple[str, ...]
    timestamp_formats: tuple[str, ...]
    date_order: tuple[tuple[str, str], ...]
    columns: tuple[Column, ...] = field(default_factory=tuple)
    # (first, second, years, why): second at most that many years after first, checked in SQL while staging
    date_span: tuple[tuple[str, str, int, str], ...] = ()
    # each delivery is the whole source (the catalogue), not a day's changes: a new date is compared with the one before
    snapshot: bool = False

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def canonical_name(self, header: str) -> str | None:
        """The contract column a file header means, or None. Case, spacing and Unicode form are ignored."""
        wanted = _header_key(header)
        for col in self.columns:
            if wanted in {_header_key(n) for n in (col.name, *col.aliases)}:
                return col.name
        return None


# invisible characters a header picks up when copied from a web page or a Word document
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"), None) | {0xA0: " "}


def _header_key(text: str) -> str:
    return unicodedata.normalize("NFC", str(text)).translate(INVISIBLE).strip().lower().replace(" ", "_")


@cache
def load_contract(source: str) -> Contract:
    path = CONTRACT_DIR / f"{source}.yaml"
    if not path.exists():
        raise KeyError(f"no contract for source {source!r} (looked for {path})")
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    for col in spec["columns"]:
        if col["type"] not in TYPES:
            raise ValueError(f"{path}: column {col['name']!r} has unknown type {col['type']!r}")
    columns = tuple(
        Column(
            name=c["name"], type=c["type"], description=" ".join(c["description"].split()),
            required=c.get("required", False), personal=c.get("personal", False),
            aliases=tuple(c.get("aliases", ())), allowed=tuple(c.get("allowed", ())),
            in_register=bool(c.get("in_register", False)), example=str(c.get("example", "")),
            minimum=c.get("minimum", {}).get("value"), minimum_severity=c.get("minimum", {}).get("severity", "error"),
            minimum_why=c.get("minimum", {}).get("why", ""),
        )
        for c in spec["columns"]
    )
    return Contract(
        source=spec["source"], title=spec["title"], description=" ".join(spec["description"].split()),
        file_name=spec["file_name"], formats=spec["formats"], unique_key=tuple(spec["unique_key"]),
        timestamp_formats=tuple(spec["timestamp_formats"]),
        date_order=tuple(tuple(pair) for pair in spec.get("date_order", ())), columns=columns,
        date_span=tuple((s["first"], s["second"], int(s["years"]), s["why"]) for s in spec.get("date_span", ())),
        snapshot=bool(spec.get("snapshot", False)),
    )


def sources() -> list[str]:
    """Every source with a contract, in a stable order (dossiers first: other sources refer to it)."""
    names = sorted(p.stem for p in CONTRACT_DIR.glob("*.yaml"))
    return sorted(names, key=lambda n: n != "dossiers")
