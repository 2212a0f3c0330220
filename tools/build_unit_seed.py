"""Build the unit seed and the generator's calibration from the real documents.

Run once by hand (``uv run --group tools python tools/build_unit_seed.py``); its two
outputs are committed:

- ``dbt_project/seeds/units.csv``: every unit of seed 000 with a stable code. Districts
  and communes take the statistics office's codes (from the ``vietnamadminunits``
  package's legacy data set); departments and land-registration branches, which have
  none, take readable codes of ours (``DEP-…``, ``LRB-<district code>``).
- ``tthc/generator/calibration.csv``: per unit, the dossiers received and received
  online over 15/12/2021–14/03/2022 as printed in appendix 2 (appendix 4 for the
  departments appendix 2 does not list), which the demo generator scales to a daily rate.

Names are matched to codes inside their district only: different communes share names.
An unmatched name stops the script; nothing is guessed.
"""

from __future__ import annotations

import csv
import sqlite3
import sys
import unicodedata
from pathlib import Path

from importlib.util import find_spec

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"

# Departments in the order of appendix 4, with the names printed in appendices 2 and 4.
DEPARTMENTS = [
    ("DEP-GDDT", "Sở Giáo dục và Đào tạo", ["Sở GD&ĐT"]),
    ("DEP-SCT", "Sở Công thương", []),
    ("DEP-GTVT", "Sở Giao thông Vận tải", ["Sở GTVT"]),
    ("DEP-KHDT", "Sở Kế hoạch và Đầu tư", ["Sở KH&ĐT"]),
    ("DEP-KHCN", "Sở Khoa học và Công nghệ", ["Sở KH&CN"]),
    ("DEP-LDTBXH", "Sở Lao động TB&XH", ["Sở LĐ, TB&XH"]),
    ("DEP-TTDVVL", "Trung tâm Dịch vụ việc làm", ["Trung tâm DVVL"]),
    ("DEP-NV", "Sở Nội vụ", []),
    ("DEP-NNPTNT", "Sở Nông nghiệp và PTNT", ["Sở NN và PTNT"]),
    ("DEP-TNMT", "Sở Tài nguyên và Môi Trường", ["Sở TN&MT"]),
    ("DEP-XD", "Sở Xây dựng", []),
    ("DEP-VHTTDL", "Sở Văn hóa - Thể thao và DL", ["Sở VH,TT&DL"]),
    ("DEP-YT", "Sở Y tế", []),
    ("DEP-NGV", "Sở Ngoại vụ", []),
    ("DEP-TTTT", "Sở Thông tin và Truyền thông", ["Sở TT&TT"]),
    ("DEP-TP", "Sở Tư pháp", []),
    ("DEP-CA", "Công an tỉnh", []),
    ("DEP-BQLKKT", "Ban quản lý Khu kinh tế", ["Ban QLKKT"]),
    ("DEP-BHXH", "Bảo hiểm xã hội tỉnh", ["Bảo HXH tỉnh"]),
    ("DEP-CT", "Cục thuế tỉnh", ["Cục thuế BP"]),
    ("DEP-TC", "Sở Tài chính", []),
]
# Thị trấn Chơn Thành became phường Hưng Long on 01/10/2022, when the district became a
# town and five of its units became wards (codes kept). The seed names units as they
# were in 2022 before that change; the history itself belongs to the unit register.
RENAMED = {"chonthanh": "hunglong"}
NAMES_BEFORE_2022_10 = {
    "25432": "Thị trấn Chơn Thành", "25433": "Xã Thành Tâm", "25441": "Xã Minh Hưng",
    "25444": "Xã Minh Long", "25447": "Xã Minh Thành",
}


def key(name: str, keep_marks: bool = False) -> str:
    """Lower-case, no unit-type prefixes, no spaces, and unless kept no diacritics:
    'UBND Xã Đa kia' -> 'dakia'. Marks are kept first, as Lộc Thành and Lộc Thạnh differ only by them."""
    text = unicodedata.normalize("NFC", name.lower())
    if not keep_marks:
        text = unicodedata.normalize("NFD", text.replace("đ", "d"))
        text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    for prefixes in (("ubnd ",), ("thi tran ", "thị trấn ", "tt ", "xa ", "xã ", "phuong ", "phường ")):
        for prefix in prefixes:
            if text.startswith(prefix):
                text = text[len(prefix):]
                break
    text = text.split("(")[0]
    return "".join(c for c in text if c.isalnum())


def main() -> int:
    # Located, not imported: importing the package pulls in shapely, which we do not need.
    data = Path(find_spec("vietnamadminunits").origin).parent / "data" / "dataset.db"
    with sqlite3.connect(data) as db:
        wards = db.execute(
            "select districtCode, district, wardCode, ward, wardType from admin_units_legacy "
            "where provinceCode = '70' order by districtCode, wardCode"
        ).fetchall()
    districts = {}
    for dcode, dname, wcode, wname, wtype in wards:
        districts.setdefault(key(dname.split(" ", 2)[-1] if dname.startswith(("Thị xã", "Thành phố")) else dname.split(" ", 1)[-1]), (dcode, dname))
    with open(REFERENCE / "000_p2_online_rate.csv", encoding="utf-8") as f:
        p2 = [r for r in csv.DictReader(f) if r["row_kind"] == "detail"]
    with open(REFERENCE / "000_p4_processing.csv", encoding="utf-8") as f:
        p4 = {r["unit_name_raw"]: r for r in csv.DictReader(f) if r["row_kind"] == "detail" and r["section"] == "A"}

    units, calibration, errors = [], [], []
    p2_by_name = {r["unit_name_raw"]: r for r in p2}
    for order, (code, name, aliases) in enumerate(DEPARTMENTS, start=1):
        units.append(dict(unit_code=code, unit_name=name, unit_kind="department", tier="province",
                          district_code="", parent_code="70", section="A", report_order=order,
                          valid_from="2000-01-01", valid_to=""))
        row = p2_by_name.get(name)
        if row:
            calibration.append((code, row["total_dossiers"], row["online_dossiers"], "appendix 2"))
        else:
            p4row = next(p4[a] for a in [name, *aliases] if a in p4)
            calibration.append((code, p4row["received_new_online"] and str(int(p4row["received_new_online"]) + int(p4row["received_new_offline"])),
                                p4row["received_new_online"], "appendix 4"))

    district_order = []
    for row in p2:
        context = row["district_context"]
        if not context:
            continue
        dkey = key(context.split(" ", 2)[-1] if context.startswith(("Thị xã", "Thành phố")) else context.split(" ", 1)[-1])
        dcode, dname = districts[dkey]
        name = row["unit_name_raw"]
        if name == context:
            district_order.append(dcode)
            units.append(dict(unit_code=dcode, unit_name=name.replace("Bù Gi Mập", "Bù Gia Mập"), unit_kind="district", tier="district",
                              district_code=dcode, parent_code="70", section="B",
                              report_order=len(district_order), valid_from="2000-01-01", valid_to=""))
            calibration.append((dcode, row["total_dossiers"], row["online_dossiers"], "appendix 2"))
        elif key(name).startswith(("cnvp", "cnvanphong")):
            code = f"LRB-{dcode}"
            units.append(dict(unit_code=code, unit_name=f"Chi nhánh VPĐK đất đai {dname.split(' ', 1)[-1] if dname.startswith('Huyện') else dname.split(' ', 2)[-1]}",
                              unit_kind="land_branch", tier="province", district_code=dcode, parent_code="DEP-TNMT",
                              section="A", report_order=len(district_order), valid_from="2000-01-01", valid_to=""))
            calibration.append((code, row["total_dossiers"], row["online_dossiers"], "appendix 2"))
        else:
            in_district = [w for w in wards if w[0] == dcode]
            matches = [w for w in in_district if key(w[3], keep_marks=True) == key(name, keep_marks=True)]
            if not matches:
                wanted = RENAMED.get(key(name), key(name))
                matches = [w for w in in_district if key(w[3]) == wanted]
            if len(matches) != 1:
                errors.append(f"{name!r} in {context}: {len(matches)} matches")
                continue
            _, _, wcode, wname, wtype = matches[0]
            units.append(dict(unit_code=wcode, unit_name=NAMES_BEFORE_2022_10.get(wcode, wname), unit_kind="commune", tier="commune",
                              district_code=dcode, parent_code=dcode, section="C", report_order=int(row["stt"]),
                              valid_from="2000-01-01", valid_to=""))
            calibration.append((wcode, row["total_dossiers"], row["online_dossiers"], "appendix 2"))
    if errors:
        print("unmatched names:\n  " + "\n  ".join(errors), file=sys.stderr)
        return 1
    units.insert(0, dict(unit_code="70", unit_name="Tỉnh Bình Phước", unit_kind="province", tier="province",
                         district_code="", parent_code="", section="", report_order=0,
                         valid_from="2000-01-01", valid_to=""))
    with open(ROOT / "dbt_project" / "seeds" / "units.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(units[0]))
        writer.writeheader()
        writer.writerows(units)
    with open(ROOT / "tthc" / "generator" / "calibration.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["unit_code", "received_90d", "online_90d", "source"])
        writer.writerows(calibration)
    print(f"{len(units)} units, {len(calibration)} calibration rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
