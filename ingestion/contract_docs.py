"""docs/contracts.md, written from the contracts so that the doc cannot drift from the code.

Regenerate with `tthc contracts-doc`; a test fails when the committed file is stale.
"""

from __future__ import annotations

from ingestion.contracts import load_contract, sources

HEADER = """# Source contracts

Generated from `ingestion/contracts/*.yaml` by `tthc contracts-doc`: edit the YAML, not this file.
The same declarations drive the reader (headers, types), the load checks (keys, allowed
values, date order) and this page.

How a file is read, for every source:

- One file per source and extract day, named `<source>_YYYY-MM-DD.csv` (or `.xlsx`) in
  `landing/<source>/`. Files are never changed by the platform.
- Headers are matched to columns by name or alias, ignoring case, spaces (no-break
  spaces too), zero-width characters and Unicode form. Unknown headers are ignored (and
  named in the run's output); a missing required column quarantines the file, and so does
  a header row that would be read wrong: a header given twice, values in a column without
  a header, merged header cells (.xlsx).
- An .xlsx is read from its first sheet, which must be visible and the only one holding
  data; formula cells must carry their stored values (a workbook saved by Excel does; one
  written by a tool that does not calculate is quarantined: open and save it in Excel, or
  paste values). A text column (a code, an ID number) must hold text cells: a code Excel
  stored as a number has lost its leading and trailing zeros (`070…` reads `70…`,
  `1.001200` reads `1.0012`), so a numeric cell there quarantines the file, naming it:
  format the column as Text and deliver again. A workbook that cannot be parsed is
  quarantined, not guessed.
- Empty cells are nulls. Text is normalised to Unicode NFC. Booleans are `1`, `0`,
  `true` or `false`. Integers are plain digits, with an optional sign: `9.5`, `150.000`,
  `1e3` are refused, not rounded. Dates have four-digit years: a year before 1990 (what
  `20/12/21` reads as) quarantines the file.
- A file whose name is not UTF-8 (saved in a legacy code page) is quarantined under its
  name with the bytes escaped (`b\\xe1n` for the Latin-1 á): rename it.
- A value that does not parse, or an empty required value, quarantines the whole file
  with a report naming each row (1 = first row under the header), column and value.
- A CSV that cannot be read (not UTF-8, another delimiter, a line whose fields do not
  match the header, an unclosed quote, mixed line endings) is quarantined with the line,
  the field where known, and what was expected; for an encoding, the one it looks like
  (UTF-16, Windows-1258, Latin-1, TCVN3, VNI) and how to save it as UTF-8 CSV.
- Every free-text column is checked for control characters (tab aside) and for
  double-encoded text ("Cáº¥p" for "Cấp": UTF-8 read as Windows-1252 and saved again).
  Either quarantines the file: a control character stops the Excel report, and garbled
  names would reach the marts as if they were true.
- A file with the same checksum as one already received is skipped; a changed file for
  a day already loaded replaces that day once it passes the load checks, unless it would
  lose more than 5 rows and 10% of the day's rows or keys, leave the day with no rows, or
  lose that many of a column's values (empty it, or blank most of it): such a correction
  is held (`tthc accept LOAD_ID` applies it). An earlier version delivered again becomes
  the day's data again. A source delivered whole (the catalogue) is compared the same
  way, on a new date, with the latest delivery before it.
"""


def render() -> str:
    parts = [HEADER]
    for source in sources():
        c = load_contract(source)
        parts.append(f"\n## `{c.source}` — {c.title}\n\n{c.description}\n")
        parts.append(f"- File: `{c.file_name}`\n- Formats: {c.formats}\n- Unique per extract: `{', '.join(c.unique_key)}`")
        if c.timestamp_formats:
            parts.append(f"- Date and timestamp formats accepted: {', '.join(f'`{f}`' for f in c.timestamp_formats)} (local time, Asia/Ho_Chi_Minh)")
        if c.date_order:
            parts.append("- Date order checked: " + "; ".join(f"`{a}` ≤ `{b}`" for a, b in c.date_order))
        if c.snapshot:
            parts.append("- Each delivery is the whole source: one that would lose much of the latest current delivery "
                         "before it (rows, keys or a column's values, as for a correction) is held until accepted")
        for first, second, years, why in c.date_span:
            parts.append(f"- `{second}` at most {years} year(s) after `{first}`, or the file is quarantined: {why}")
        parts.append("\n| column | type | required | header aliases | allowed | description |\n|---|---|---|---|---|---|")
        for col in c.columns:
            flags = "yes" if col.required else ""
            description = col.description + (" **Personal data.**" if col.personal else "")
            if col.minimum is not None:
                effect = "quarantines the file" if col.minimum_severity == "error" else "is reported as a finding"
                description += f" A value below {col.minimum} {effect}: {col.minimum_why}"
            parts.append(
                f"| `{col.name}` | {col.type} | {flags} | {', '.join(f'`{a}`' for a in col.aliases)} | "
                f"{', '.join(map(str, col.allowed)) or ('a code of the unit register' if col.in_register else '')} | {description} |"
            )
        header = ",".join(col.name for col in c.columns)
        example = ",".join(f'"{col.example}"' if "," in col.example else col.example for col in c.columns)
        parts.append(f"\nExample (CSV):\n\n```csv\n{header}\n{example}\n```\n")
    return "\n".join(parts)
