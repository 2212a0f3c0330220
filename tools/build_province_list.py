"""Write warehouse/provinces_2025.csv: the 34 provinces since 01/07/2025, code and name.

Run once by hand (``uv sync --group tools && uv run python tools/build_province_list.py``);
its output is committed. The codes and names are the ``vietnamadminunits`` package's
(``parser_from_2025.json``), the data the unit register is built from
(tools/build_unit_register.py). A national deployment names its province homes by these
codes (decision 0023).
"""

from __future__ import annotations

import csv
import json
from importlib.util import find_spec
from importlib.metadata import version
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "warehouse" / "provinces_2025.csv"
REFORM_DAY = "2025-07-01"


def main() -> int:
    # Located, not imported: importing the package pulls in shapely, which we do not need.
    data = Path(find_spec("vietnamadminunits").origin).parent / "data" / "parser_from_2025.json"
    provinces = json.loads(data.read_text(encoding="utf-8"))["DICT_PROVINCE"].values()
    rows = sorted((p["provinceCode"], p["province"]) for p in provinces)
    if len(rows) != 34 or len({code for code, _ in rows}) != 34:
        raise SystemExit(f"{data}: expected the 34 provinces of 2025, found {len(rows)}")
    basis = f"vietnamadminunits {version('vietnamadminunits')}, {data.name}"
    with open(TARGET, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["province_code", "province_name", "valid_from", "basis"])
        writer.writerows([code, name, REFORM_DAY, basis] for code, name in rows)
    print(f"wrote {TARGET} ({len(rows)} provinces)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
