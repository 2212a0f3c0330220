"""Build the unit register and the generator's calibration from the real documents.

Run once by hand (``uv sync --group tools && uv run python tools/build_unit_register.py``);
its outputs are committed:

- ``dbt_project/seeds/units.csv``: every unit with a stable code and its place in the
  2022 reports (section, district, order). Districts and communes take the statistics
  office's codes (from the ``vietnamadminunits`` package's legacy data set); units that
  have none take readable codes of ours (``DEP-…``, ``LRB-<district code>``, ``VPDKDD``,
  ``TTPVHCC``). The 40 communes of 01/07/2025 reuse the code of one of the old communes
  they merge, as the statistics office does, so their code is already here.
- ``dbt_project/seeds/unit_history.csv``: each unit's names, types and parents over time
  (validity dates): 01/10/2022, Chơn Thành district becomes a town and five of its
  communes wards; 01/07/2025, the district tier ends and Bình Phước joins Đồng Nai (75).
- ``dbt_project/seeds/unit_crosswalk_2025.csv``: each of the 111 old communes and the new
  unit it became part of (none was divided between new units), from the package's
  ``converter_2025.json``.
- ``tthc/generator/calibration.csv``: per unit, the dossiers received and received
  online over 15/12/2021–14/03/2022 as printed in appendix 2 (appendix 4 for the
  departments appendix 2 does not list), which the demo generator scales to a daily rate.

Names are matched to codes inside their district only: different communes share names.
An unmatched name stops the script; nothing is guessed.
"""

from __future__ import annotations

import csv
import json
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
TOWN_FROM = "2022-10-01"
MERGED_FROM, LAST_DAY_BEFORE_MERGER = "2025-07-01", "2025-06-30"
OPEN_START = "2000-01-01"  # the register does not know when older units began
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
                         valid_from=OPEN_START, valid_to=""))
    # Units the reports name that the 2022 portal routes no dossiers to: the land office
    # whose branches appendix 4 prints as one row, and the service centre of appendix 5.
    # Both are provincial units, in section A after the departments, so that a dossier
    # they receive is in every total (docs/decisions/0012).
    units.insert(22, dict(unit_code="VPDKDD", unit_name="Văn phòng Đăng ký đất đai tỉnh", unit_kind="land_office",
                          tier="province", district_code="", parent_code="DEP-TNMT", section="A",
                          report_order=len(DEPARTMENTS) + 1, valid_from=OPEN_START, valid_to=""))
    units.insert(23, dict(unit_code="TTPVHCC", unit_name="Trung tâm Phục vụ hành chính công tỉnh", unit_kind="service_centre",
                          tier="province", district_code="", parent_code="70", section="A",
                          report_order=len(DEPARTMENTS) + 2, valid_from=OPEN_START, valid_to=""))
    for u in units:
        if u["unit_kind"] == "land_branch":
            u["parent_code"] = "VPDKDD"
    history, crosswalk = history_and_crosswalk(units, data)
    continuing = {h["unit_code"] for h in history if h["valid_from"] == MERGED_FROM}
    for u in units:
        if u["unit_code"] not in continuing:
            u["valid_to"] = LAST_DAY_BEFORE_MERGER
    units.append(dict(unit_code="75", unit_name="Tỉnh Đồng Nai", unit_kind="province", tier="province",
                      district_code="", parent_code="", section="", report_order=0,
                      valid_from=MERGED_FROM, valid_to=""))
    seeds = ROOT / "dbt_project" / "seeds"
    write_csv(seeds / "units.csv", units)
    write_csv(seeds / "unit_history.csv", history)
    write_csv(seeds / "unit_crosswalk_2025.csv", crosswalk)
    with open(ROOT / "tthc" / "generator" / "calibration.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["unit_code", "received_90d", "online_90d", "source"])
        writer.writerows(calibration)
    print(f"{len(units)} units, {len(history)} unit versions, {len(crosswalk)} crosswalk rows, "
          f"{len(calibration)} calibration rows")
    return 0


def unit_type(name: str) -> str:
    for prefix in ("Thành phố", "Thị xã", "Thị trấn", "Huyện", "Phường", "Xã", "Tỉnh", "Sở", "Chi nhánh", "Văn phòng", "Trung tâm"):
        if name.startswith(prefix):
            return prefix
    return "Cơ quan"


def history_and_crosswalk(units: list[dict], data: Path) -> tuple[list[dict], list[dict]]:
    """Versions of every unit, and the 2025 crosswalk of communes."""
    with sqlite3.connect(data) as db:
        legacy = {code: (name, f"{pkey}_{dkey}_{wkey}") for code, name, pkey, dkey, wkey in db.execute(
            "select wardCode, ward, provinceKey, districtKey, wardKey from admin_units_legacy where provinceCode = '70'")}
        new_units = {key: (code, name) for code, name, key in db.execute(
            "select wardCode, ward, wardKey from admin_units where provinceCode = '75'")}
    converter = json.loads((data.parent / "converter_2025.json").read_text(encoding="utf-8"))
    if any(k.startswith("tinhbinhphuoc") for k in converter["DICT_PROVINCE_WARD_DIVIDED"]["tinhdongnai"]):
        raise SystemExit("a Bình Phước commune was divided in 2025: the crosswalk needs shares")
    merged_into = {old: new_units[new] for new, olds in converter["DICT_PROVINCE_WARD_NO_DIVIDED"]["tinhdongnai"].items()
                   for old in olds if old.startswith("tinhbinhphuoc")}

    history, crosswalk = [], []
    for u in units:
        code, name = u["unit_code"], u["unit_name"]
        version = dict(unit_code=code, valid_from=OPEN_START, valid_to=LAST_DAY_BEFORE_MERGER, unit_name=name,
                       unit_type=unit_type(name), parent_code=u["parent_code"], district_code=u["district_code"])
        if code == "697" or code in NAMES_BEFORE_2022_10:
            later = "Thị xã Chơn Thành" if code == "697" else legacy[code][0]
            history.append(version | dict(valid_to="2022-09-30"))
            history.append(version | dict(valid_from=TOWN_FROM, unit_name=later, unit_type=unit_type(later)))
        else:
            history.append(version)
        if u["unit_kind"] == "commune":
            new_code, new_name = merged_into[legacy[code][1]]
            crosswalk.append(dict(old_code=code, new_code=new_code, valid_from=MERGED_FROM,
                                  old_name=history[-1]["unit_name"], new_name=new_name))
    for new_code, new_name in sorted({(c["new_code"], c["new_name"]) for c in crosswalk}):
        history.append(dict(unit_code=new_code, valid_from=MERGED_FROM, valid_to="", unit_name=new_name,
                            unit_type=unit_type(new_name), parent_code="75", district_code=""))
    history.append(dict(unit_code="75", valid_from=MERGED_FROM, valid_to="", unit_name="Tỉnh Đồng Nai",
                        unit_type="Tỉnh", parent_code="", district_code=""))
    crosswalk.append(dict(old_code="70", new_code="75", valid_from=MERGED_FROM,
                          old_name="Tỉnh Bình Phước", new_name="Tỉnh Đồng Nai"))
    return history, crosswalk


def write_csv(path: Path, rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    sys.exit(main())
