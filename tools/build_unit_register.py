"""Build the unit register and the generator's calibration from the real documents.

Run once by hand (``uv sync --group tools && uv run python tools/build_unit_register.py``);
its outputs are committed:

- ``dbt_project/registers/75/units.csv``: every unit with a stable code and its place in the
  2022 reports (section, district, order). Districts and communes take the statistics
  office's codes (from the ``vietnamadminunits`` package's legacy data set); units that
  have none take readable codes of ours (``DEP-…``, ``LRB-<district code>``, ``VPDKDD``,
  ``TTPVHCC``). The 40 communes of 01/07/2025 reuse the code of one of the old communes
  they merge, as the statistics office does, so their code is already here.
- ``dbt_project/registers/75/unit_history.csv``: each unit's names, types and parents over time
  (validity dates): 01/10/2022, Chơn Thành district becomes a town and five of its
  communes wards; 01/07/2025, the district tier ends and Bình Phước joins Đồng Nai (75).
- ``dbt_project/registers/75/unit_crosswalk_2025.csv``: each of the 111 old communes and the new
  unit it became part of (none was divided between new units), from the package's
  ``converter_2025.json``; the same for the 159 communes of the former Đồng Nai (one was
  divided: it goes to the package's default successor, and the row says so); and each
  department of Bình Phước with the department of today's Đồng Nai that took over its
  field, or no successor where none is known for certain (docs/decisions/0013).
- Today's Đồng Nai (75, from 01/07/2025): its 95 communes and wards, and the former
  Đồng Nai's 11 districts and 159 communes as predecessors (province 75 before the
  merger), so that an extract or a workbook of the old Đồng Nai portal resolves; the
  provincial departments of Nghị định 45/2025/NĐ-CP.
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


# The departments of today's Đồng Nai that the register holds: those Nghị định 45/2025/NĐ-CP
# (28/02/2025) organises in every province, and the provincial police. The new province
# has 14 specialised agencies (Nghị quyết 202/2025/QH15 merged the provinces from
# 01/07/2025); the two not listed here are not verified, so they are not invented.
DONG_NAI_DEPARTMENTS = [
    ("DN-NV", "Sở Nội vụ"), ("DN-TP", "Sở Tư pháp"), ("DN-TC", "Sở Tài chính"), ("DN-SCT", "Sở Công Thương"),
    ("DN-NNMT", "Sở Nông nghiệp và Môi trường"), ("DN-XD", "Sở Xây dựng"), ("DN-KHCN", "Sở Khoa học và Công nghệ"),
    ("DN-VHTTDL", "Sở Văn hóa, Thể thao và Du lịch"), ("DN-GDDT", "Sở Giáo dục và Đào tạo"), ("DN-YT", "Sở Y tế"),
    ("DN-TTR", "Thanh tra tỉnh"), ("DN-VP", "Văn phòng Ủy ban nhân dân tỉnh"), ("DN-CA", "Công an tỉnh"),
]
ND45 = "Nghị định 45/2025/NĐ-CP (the field's department in every province); Nghị quyết 202/2025/QH15 (the merger)"
# Bình Phước's units and the unit of today's Đồng Nai that took over their field on
# 01/07/2025; None where no source verified here names one (the register says so).
DEPARTMENT_SUCCESSORS = {
    "DEP-GDDT": ("DN-GDDT", ND45), "DEP-SCT": ("DN-SCT", ND45), "DEP-GTVT": ("DN-XD", ND45),
    "DEP-KHDT": ("DN-TC", ND45), "DEP-KHCN": ("DN-KHCN", ND45), "DEP-LDTBXH": ("DN-NV", ND45 + "; parts went to Y tế and GD&ĐT"),
    "DEP-NV": ("DN-NV", ND45), "DEP-NNPTNT": ("DN-NNMT", ND45), "DEP-TNMT": ("DN-NNMT", ND45), "DEP-XD": ("DN-XD", ND45),
    "DEP-VHTTDL": ("DN-VHTTDL", ND45), "DEP-YT": ("DN-YT", ND45), "DEP-TTTT": ("DN-KHCN", ND45 + "; press went to VH-TT-DL"),
    "DEP-TP": ("DN-TP", ND45), "DEP-TC": ("DN-TC", ND45), "DEP-CA": ("DN-CA", "Nghị quyết 202/2025/QH15: one province, one police"),
    "DEP-TTDVVL": (None, "a public service centre, not a department: its place in 2025 is not verified"),
    "DEP-NGV": (None, "Sở Ngoại vụ is kept only in some provinces (Nghị định 45/2025/NĐ-CP); Đồng Nai's choice not verified"),
    "DEP-BQLKKT": (None, "management boards are outside Nghị định 45/2025/NĐ-CP; the merged board not verified"),
    "DEP-BHXH": (None, "social insurance is a central agency reorganised by region in 2025; not verified"),
    "DEP-CT": (None, "the tax department is a central agency reorganised in 2025; not verified"),
    "VPDKDD": (None, "the land registration office of the merged province not verified"),
    "TTPVHCC": (None, "the public service centre of the merged province not verified"),
}


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
    successors = dict(DEPARTMENT_SUCCESSORS)
    for u in units:
        if u["unit_kind"] == "land_branch":
            u["parent_code"] = "VPDKDD"
            successors[u["unit_code"]] = (None, "the land registration branches of the merged province not verified")
    history, crosswalk = history_and_crosswalk(units, data, successors)
    continuing = {h["unit_code"] for h in history if h["valid_from"] == MERGED_FROM}
    for u in units:
        if u["unit_code"] not in continuing:
            u["valid_to"] = LAST_DAY_BEFORE_MERGER
    dn_units, dn_history, dn_crosswalk = dong_nai(data)
    units += dn_units
    history += dn_history
    crosswalk += dn_crosswalk
    place_in_reports(history, units)
    seeds = ROOT / "dbt_project" / "registers" / "75"   # Đồng Nai's register (decision 0025)
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
    for prefix in ("Thành phố", "Thị xã", "Thị trấn", "Huyện", "Phường", "Xã", "Tỉnh", "Quận", "Đặc khu", "Sở", "Chi nhánh", "Văn phòng", "Trung tâm"):
        if name.startswith(prefix):
            return prefix
    return "Cơ quan"


def history_and_crosswalk(units: list[dict], data: Path, successors: dict) -> tuple[list[dict], list[dict]]:
    """Versions of every unit, and the 2025 crosswalk: communes, the province, and the
    departments and other units of ``successors`` (code -> (successor or None, basis))."""
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
    for c in crosswalk:
        c["basis"] = CONVERTER
    crosswalk.append(dict(old_code="70", new_code="75", valid_from=MERGED_FROM,
                          old_name="Tỉnh Bình Phước", new_name="Tỉnh Đồng Nai", basis="Nghị quyết 202/2025/QH15"))
    dn_names = dict(DONG_NAI_DEPARTMENTS)
    for old_code, (new_code, basis) in successors.items():
        old_name = next(u["unit_name"] for u in units if u["unit_code"] == old_code)
        crosswalk.append(dict(old_code=old_code, new_code=new_code or "", valid_from=MERGED_FROM, old_name=old_name,
                              new_name=dn_names.get(new_code, "") if new_code else "",
                              basis=basis if new_code else "no successor known for certain: " + basis))
    for h in history:
        h["province_code"] = "75" if h["valid_from"] == MERGED_FROM else "70"
    return history, crosswalk


CONVERTER = "vietnamadminunits 1.0.3, converter_2025.json"


def place_in_reports(history: list[dict], units: list[dict]) -> None:
    """Each version's kind and place in the reports of its time: Bình Phước's units as the
    2022 reports lay them out (A provincial units, B districts, C communes by district);
    today's Đồng Nai in two tiers (A provincial units, B communes and wards, in code
    order); the former Đồng Nai's units in none (the platform did not report them)."""
    by_code = {u["unit_code"]: u for u in units}
    today_communes = sorted(h["unit_code"] for h in history
                            if h["province_code"] == "75" and h["valid_from"] == MERGED_FROM and h["unit_type"] in ("Xã", "Phường"))
    departments = [code for code, _ in DONG_NAI_DEPARTMENTS]
    for h in history:
        code, u = h["unit_code"], by_code[h["unit_code"]]
        if h["province_code"] == "70":
            place = (u["unit_kind"], u["section"], u["report_order"])
        elif h["valid_from"] != MERGED_FROM or code == "75":
            place = (u["unit_kind"], "", 0)
        elif code in departments:
            place = ("department", "A", departments.index(code) + 1)
        else:
            place = ("commune", "B", today_communes.index(code) + 1)
        h["unit_kind"], h["section"], h["report_order"] = place


def dong_nai(data: Path) -> tuple[list[dict], list[dict], list[dict]]:
    """Today's Đồng Nai and the former Đồng Nai it grew from: the 95 communes and wards in
    force from 01/07/2025 that are not Bình Phước's 40 (those are in the register already),
    the former province's 11 districts and 159 communes (valid to 30/06/2025 unless their
    code goes on), the province 75 before and after, and today's departments."""
    with sqlite3.connect(data) as db:
        old = db.execute("select districtCode, district, wardCode, ward, provinceKey, districtKey, wardKey "
                         "from admin_units_legacy where provinceCode = '75' order by districtCode, wardCode").fetchall()
        new = {key: (code, name) for code, name, key in db.execute(
            "select wardCode, ward, wardKey from admin_units where provinceCode = '75'")}
    converter = json.loads((data.parent / "converter_2025.json").read_text(encoding="utf-8"))
    merged_into = {o: new[n] for n, olds in converter["DICT_PROVINCE_WARD_NO_DIVIDED"]["tinhdongnai"].items()
                   for o in olds if o.startswith("tinhdongnai_")}
    divided = {o: next(new[w["newWardKey"]] for w in ws if w["isDefaultNewWard"])
               for o, ws in converter["DICT_PROVINCE_WARD_DIVIDED"].get("tinhdongnai", {}).items()}
    bp_new = {n for n, olds in converter["DICT_PROVINCE_WARD_NO_DIVIDED"]["tinhdongnai"].items()
              if any(o.startswith("tinhbinhphuoc_") for o in olds)}
    continuing = {code for code, _ in new.values()}
    before = dict(valid_from=OPEN_START, valid_to=LAST_DAY_BEFORE_MERGER, province_code="75")
    units, history, crosswalk = [], [], []

    def unit(code, name, kind, tier, district, parent, start, end):
        units.append(dict(unit_code=code, unit_name=name, unit_kind=kind, tier=tier, district_code=district,
                          parent_code=parent, section="", report_order=0, valid_from=start, valid_to=end))

    for dcode, dname in sorted({(d, n) for d, n, *_ in old}):
        unit(dcode, dname, "district", "district", dcode, "75", OPEN_START, LAST_DAY_BEFORE_MERGER)
        history.append(dict(unit_code=dcode, **before, unit_name=dname, unit_type=unit_type(dname),
                            parent_code="75", district_code=dcode))
    for dcode, _, wcode, wname, pkey, dkey, wkey in old:
        full_key = f"{pkey}_{dkey}_{wkey}"
        unit(wcode, wname, "commune", "commune", dcode, dcode, OPEN_START, "" if wcode in continuing else LAST_DAY_BEFORE_MERGER)
        history.append(dict(unit_code=wcode, **before, unit_name=wname, unit_type=unit_type(wname),
                            parent_code=dcode, district_code=dcode))
        new_code, new_name = merged_into.get(full_key) or divided[full_key]
        crosswalk.append(dict(old_code=wcode, new_code=new_code, valid_from=MERGED_FROM, old_name=wname, new_name=new_name,
                              basis=CONVERTER + ("; divided between new communes: the package's default successor"
                                                 if full_key in divided else "")))
    for key_, (code, name) in sorted(new.items(), key=lambda kv: kv[1][0]):
        if key_ in bp_new:
            continue
        history.append(dict(unit_code=code, valid_from=MERGED_FROM, valid_to="", unit_name=name, unit_type=unit_type(name),
                            parent_code="75", district_code="", province_code="75"))
    history.append(dict(unit_code="75", **before, unit_name="Tỉnh Đồng Nai", unit_type="Tỉnh", parent_code="", district_code=""))
    history.append(dict(unit_code="75", valid_from=MERGED_FROM, valid_to="", unit_name="Tỉnh Đồng Nai", unit_type="Tỉnh",
                        parent_code="", district_code="", province_code="75"))
    units.append(dict(unit_code="75", unit_name="Tỉnh Đồng Nai", unit_kind="province", tier="province", district_code="",
                      parent_code="", section="", report_order=0, valid_from=OPEN_START, valid_to=""))
    for code, name in DONG_NAI_DEPARTMENTS:
        unit(code, name, "department", "province", "", "75", MERGED_FROM, "")
        history.append(dict(unit_code=code, valid_from=MERGED_FROM, valid_to="", unit_name=name, unit_type=unit_type(name),
                            parent_code="75", district_code="", province_code="75"))
    # the statistics office gives each new commune the code of one it merges: none is new
    missing = [code for k, (code, _) in new.items() if k not in bp_new and code not in {u["unit_code"] for u in units}]
    if missing:
        raise SystemExit(f"new communes of Đồng Nai whose code no former commune had: {missing}")
    return units, history, crosswalk


def write_csv(path: Path, rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    sys.exit(main())
