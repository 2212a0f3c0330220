"""Build the unit register of every province of 2025 but Đồng Nai, from the package's data alone.

Run by hand (``uv sync --group tools && uv run python tools/build_province_registers.py``);
its outputs, ``dbt_project/registers/<code>/`` for the 33 provinces of
``warehouse/provinces_2025.csv`` other than 75, are committed. Đồng Nai's register (75) is
built by tools/build_unit_register.py from the documents as well (decision 0025).

For a province P of 01/07/2025, from ``vietnamadminunits`` (dataset.db, converter_2025.json):

- the old provinces merged into P (P's own code is one of them) with their districts and
  communes, valid to 30/06/2025 (a commune whose code a commune of 2025 reuses goes on);
  the old province of P's code is the home's portal before the reform (home_province.csv),
  its districts in section B and its communes in section C of the reports of then, ordered
  by code; the other old provinces' units are predecessors only, in no section;
- P's communes, wards and special zones from 01/07/2025 (section B, by code), and each old
  commune with the one it became part of (a divided commune: the package's default
  successor, and the row says so; a district without communes, as Côn Đảo, with the special
  zone it became), each other old province with P;
- the departments every province has: before the reform those of Nghị định 24/2014/NĐ-CP
  and 107/2020/NĐ-CP, from 01/07/2025 those of Nghị định 45/2025/NĐ-CP (codes P<code>-…);
  a department whose field went to another has it as successor (the same fields as in
  Đồng Nai's register), one that goes on keeps its code. Departments a province has beyond
  these (a Sở Ngoại vụ, a Sở Dân tộc và Tôn giáo, a management board) are added by hand;
- report obligations: the GRIS forms of every commune (the forms of Đồng Nai's register,
  Văn phòng Chính phủ's); LRIS indicators are assigned by each province: none here;
- KPI targets: each province sets its own; rows saying no figure is known, so that every
  period through 2026 is accounted for; no named report periods and no name aliases.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
from importlib.util import find_spec
from pathlib import Path

from build_unit_register import (CONVERTER, DONG_NAI_DEPARTMENTS, LAST_DAY_BEFORE_MERGER, MERGED_FROM, ND45,
                                 OPEN_START, unit_type, write_csv)

ROOT = Path(__file__).resolve().parents[1]
REGISTERS = ROOT / "dbt_project" / "registers"
PROVINCES = ROOT / "warehouse" / "provinces_2025.csv"
HAND_BUILT = "75"   # tools/build_unit_register.py
MERGER_BASIS = "Nghị quyết 202/2025/QH15"

# Before 01/07/2025: suffix, name (a city's office, inspectorate and police say "thành phố"),
# and the suffix of the department of 2025 that took over its field (same suffix: goes on).
DEPARTMENTS_BEFORE = [
    ("NV", "Sở Nội vụ", "NV"), ("TP", "Sở Tư pháp", "TP"), ("KHDT", "Sở Kế hoạch và Đầu tư", "TC"),
    ("TC", "Sở Tài chính", "TC"), ("SCT", "Sở Công Thương", "SCT"),
    ("NNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", "NNMT"), ("GTVT", "Sở Giao thông vận tải", "XD"),
    ("XD", "Sở Xây dựng", "XD"), ("TNMT", "Sở Tài nguyên và Môi trường", "NNMT"),
    ("TTTT", "Sở Thông tin và Truyền thông", "KHCN"), ("LDTBXH", "Sở Lao động - Thương binh và Xã hội", "NV"),
    ("VHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "VHTTDL"), ("KHCN", "Sở Khoa học và Công nghệ", "KHCN"),
    ("GDDT", "Sở Giáo dục và Đào tạo", "GDDT"), ("YT", "Sở Y tế", "YT"), ("TTR", "Thanh tra tỉnh", "TTR"),
    ("VP", "Văn phòng Ủy ban nhân dân tỉnh", "VP"), ("CA", "Công an tỉnh", "CA"),
]
# From 01/07/2025: the departments of Đồng Nai's register (Nghị định 45/2025/NĐ-CP), by suffix
DEPARTMENTS_AFTER = [(code.split("-", 1)[1], name) for code, name in DONG_NAI_DEPARTMENTS]
KPIS = ["online_dossier_rate", "online_service_uptake", "on_time_resolution", "digitization", "online_reporting",
        "online_payment_rate"]
TARGET_YEARS = range(2021, 2027)


def main() -> int:
    # Located, not imported: importing the package pulls in shapely, which we do not need.
    data = Path(find_spec("vietnamadminunits").origin).parent / "data"
    converter = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
    with open(PROVINCES, encoding="utf-8") as f:
        codes = [r["province_code"] for r in csv.DictReader(f) if r["province_code"] != HAND_BUILT]
    with open(REGISTERS / HAND_BUILT / "report_obligations.csv", encoding="utf-8") as f:
        commune_forms = [r for r in csv.DictReader(f) if r["unit_kind"] == "commune" and not r["unit_code"]]
    with sqlite3.connect(data / "dataset.db") as db:
        for code in codes:
            register = province_register(db, converter, code)
            folder = REGISTERS / code
            folder.mkdir(parents=True, exist_ok=True)
            for name, rows in register.items():
                write_csv(folder / f"{name}.csv", rows)
            write_csv(folder / "report_obligations.csv", obligations(commune_forms, register["units"][0]["unit_name"]))
            write_csv(folder / "kpi_targets.csv", targets(register["units"][0]["unit_name"]))
            write_header(folder / "report_periods.csv", ["period_id", "period_label", "period_start", "period_end", "source"])
            write_header(folder / "unit_aliases.csv", ["alias", "unit_code", "note"])
            print(f"{code} {register['units'][0]['unit_name']}: {len(register['units'])} units, "
                  f"{len(register['unit_history'])} versions, {len(register['unit_crosswalk_2025'])} crosswalk rows")
    return 0


def province_register(db: sqlite3.Connection, converter: dict, code: str) -> dict[str, list[dict]]:
    """units, unit_history, unit_crosswalk_2025 and home_province of province ``code``."""
    (new_key, new_name), = db.execute("select distinct provinceKey, province from admin_units where provinceCode = ?", [code])
    new = {key: (ward_code, name) for ward_code, name, key in db.execute(
        "select wardCode, ward, wardKey from admin_units where provinceCode = ? order by wardCode", [code])}
    old_keys = converter["DICT_PROVINCE"][new_key]
    marks = ",".join("?" * len(old_keys))
    old_provinces = dict(db.execute(f"select distinct provinceCode, province from admin_units_legacy "
                                    f"where provinceKey in ({marks})", old_keys).fetchall())
    old = db.execute(f"select provinceCode, districtCode, district, wardCode, ward, provinceKey, districtKey, wardKey "
                     f"from admin_units_legacy where provinceKey in ({marks}) order by provinceCode, districtCode, wardCode",
                     old_keys).fetchall()
    if code not in old_provinces:
        raise SystemExit(f"{code}: no old province has its code; the home's portal before 2025 is unknown")
    merged_into = {o: new[n] for n, olds in converter["DICT_PROVINCE_WARD_NO_DIVIDED"][new_key].items() for o in olds}
    divided = {o: next(new[w["newWardKey"]] for w in ws if w["isDefaultNewWard"])
               for o, ws in converter["DICT_PROVINCE_WARD_DIVIDED"].get(new_key, {}).items()}
    continuing = {ward_code for ward_code, _ in new.values()}
    city = new_name.startswith("Thành phố")
    units, history, crosswalk = [], [], []

    def unit(unit_code, name, kind, tier, district, parent, start, end, section="", order=0):
        units.append(dict(unit_code=unit_code, unit_name=name, unit_kind=kind, tier=tier, district_code=district,
                          parent_code=parent, section=section, report_order=order, valid_from=start, valid_to=end))

    def version(unit_code, name, parent, district, province, kind, start, end, section="", order=0):
        history.append(dict(unit_code=unit_code, valid_from=start, valid_to=end, unit_name=name,
                            unit_type=unit_type(name), parent_code=parent, district_code=district,
                            province_code=province, unit_kind=kind, section=section, report_order=order))

    # the provinces: P before and after, and the others merged into it
    unit(code, new_name, "province", "province", "", "", OPEN_START, "")
    for old_code, old_name in sorted(old_provinces.items()):
        if old_code != code:
            unit(old_code, old_name, "province", "province", "", "", OPEN_START, LAST_DAY_BEFORE_MERGER)
            crosswalk.append(dict(old_code=old_code, new_code=code, valid_from=MERGED_FROM, old_name=old_name,
                                  new_name=new_name, basis=MERGER_BASIS))
        version(old_code, old_name, "", "", old_code, "province", OPEN_START, LAST_DAY_BEFORE_MERGER)
    version(code, new_name, "", "", code, "province", MERGED_FROM, "")

    # the departments: before the reform (the portal's, section A), and from it
    after = {suffix for suffix, _ in DEPARTMENTS_AFTER}
    for order, (suffix, name, successor) in enumerate(DEPARTMENTS_BEFORE, start=1):
        name = city_name(name, city)
        dep = f"P{code}-{suffix}"
        unit(dep, name, "department", "province", "", code, OPEN_START, "" if suffix in after else LAST_DAY_BEFORE_MERGER,
             "A", order)
        version(dep, name, code, "", code, "department", OPEN_START, LAST_DAY_BEFORE_MERGER, "A", order)
        if suffix != successor:
            crosswalk.append(dict(old_code=dep, new_code=f"P{code}-{successor}", valid_from=MERGED_FROM, old_name=name,
                                  new_name=city_name(dict(DEPARTMENTS_AFTER)[successor], city), basis=ND45))
    before = {suffix for suffix, _, _ in DEPARTMENTS_BEFORE}
    for order, (suffix, name) in enumerate(DEPARTMENTS_AFTER, start=1):
        name = city_name(name, city)
        if suffix not in before:
            unit(f"P{code}-{suffix}", name, "department", "province", "", code, MERGED_FROM, "", "A", order)
        version(f"P{code}-{suffix}", name, code, "", code, "department", MERGED_FROM, "", "A", order)

    # the old districts and communes (the portal's reported, the others' predecessors only)
    districts = sorted({(p, d, n) for p, d, n, *_ in old})
    for order, (province, district, name) in enumerate([d for d in districts if d[0] == code], start=1):
        unit(district, name, "district", "district", district, province, OPEN_START, LAST_DAY_BEFORE_MERGER, "B", order)
        version(district, name, province, district, province, "district", OPEN_START, LAST_DAY_BEFORE_MERGER, "B", order)
    for province, district, name in districts:
        if province != code:
            unit(district, name, "district", "district", district, province, OPEN_START, LAST_DAY_BEFORE_MERGER)
            version(district, name, province, district, province, "district", OPEN_START, LAST_DAY_BEFORE_MERGER)
    order = 0
    for province, district, district_name, ward_code, ward, pkey, dkey, wkey in old:
        full_key = f"{pkey}_{dkey}_{wkey or ''}"
        successor = merged_into.get(full_key) or divided.get(full_key)
        if successor is None:
            raise SystemExit(f"{code}: {full_key} has no successor in converter_2025.json")
        basis = CONVERTER + ("; divided between new communes: the package's default successor" if full_key in divided else "")
        if ward_code is None:    # a district without communes (Côn Đảo): the district hands over itself
            crosswalk.append(dict(old_code=district, new_code=successor[0], valid_from=MERGED_FROM,
                                  old_name=district_name, new_name=successor[1], basis=basis))
            continue
        section = ""
        if province == code:
            order += 1
            section = "C"
        unit(ward_code, ward, "commune", "commune", district, district, OPEN_START,
             "" if ward_code in continuing else LAST_DAY_BEFORE_MERGER, section, order if section else 0)
        version(ward_code, ward, district, district, province, "commune", OPEN_START, LAST_DAY_BEFORE_MERGER,
                section, order if section else 0)
        crosswalk.append(dict(old_code=ward_code, new_code=successor[0], valid_from=MERGED_FROM, old_name=ward,
                              new_name=successor[1], basis=basis))

    # the communes, wards and special zones from 01/07/2025
    known = {u["unit_code"] for u in units}
    for order, (ward_code, name) in enumerate(sorted(new.values()), start=1):
        if ward_code not in known:   # a new code (the special zones): the unit begins with the reform
            unit(ward_code, name, "commune", "commune", "", code, MERGED_FROM, "")
        version(ward_code, name, code, "", code, "commune", MERGED_FROM, "", "B", order)
    home = [dict(province_code=code, portal_province_code=code,
                 note=f"{new_name} since 01/07/2025 ({MERGER_BASIS}); before, the extracts are those of "
                      f"{old_provinces[code]}'s portal ({code})")]
    return {"units": units, "unit_history": history, "unit_crosswalk_2025": crosswalk, "home_province": home}


def city_name(name: str, city: bool) -> str:
    return name.replace(" tỉnh", " thành phố") if city else name


def obligations(commune_forms: list[dict], province_name: str) -> list[dict]:
    return [{**r, "source": f"The GRIS forms Văn phòng Chính phủ assigns every commune (as in Đồng Nai's register, "
                            f"seed 000 §5.1), for the communes of {province_name} (due day: ours)"}
            for r in commune_forms]


def targets(province_name: str) -> list[dict]:
    return [dict(kpi=kpi, tier="all", unit_code="", valid_from=f"{year}-01-01", valid_to=f"{year}-12-31", target_rate="",
                 source=f"No official figure of {province_name} known to us for {year}: the marts say no target "
                        "for the period until the office adds it")
            for kpi in KPIS for year in TARGET_YEARS]


def write_header(path: Path, columns: list[str]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerow(columns)


if __name__ == "__main__":
    sys.exit(main())
