"""The unit register: history, the 2025 crosswalk, and names resolved as the documents print them."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from ingestion.unit_names import UnitRegister, register
from tthc.config import register_folder
from tests.conftest import REFERENCE

DAY = dt.date(2022, 3, 14)


def seed(name: str) -> list[dict]:
    with open(register_folder() / f"{name}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_register_holds_every_tier_with_official_codes():
    units = seed("units")
    reported = [u for u in units if u["section"]]               # the units of the 2022 reports
    kinds = {}
    for u in reported:
        kinds[u["unit_kind"]] = kinds.get(u["unit_kind"], 0) + 1
    assert kinds == {"department": 21, "land_office": 1, "service_centre": 1, "land_branch": 11, "district": 11, "commune": 111}
    assert {u["unit_code"] for u in reported if u["unit_kind"] == "district"} == {str(c) for c in range(688, 699)}
    assert {u["unit_code"] for u in units if u["unit_kind"] == "province"} == {"70", "75"}


def test_register_holds_todays_dong_nai_and_the_former_one():
    """The 95 communes and wards of today's Đồng Nai from 01/07/2025 (the vietnamadminunits
    data set), its departments, and the former Đồng Nai's 11 districts and 159 communes as
    predecessors, each with its successor."""
    history = seed("unit_history")
    today = [h for h in history if h["valid_from"] == "2025-07-01" and h["valid_to"] == ""]
    communes = [h for h in today if h["unit_type"] in ("Xã", "Phường")]
    assert len(communes) == 95 and {h["parent_code"] for h in communes} == {"75"}
    assert sum(h["unit_type"] == "Phường" for h in communes) == 23             # 23 wards, 72 communes
    assert {h["unit_name"] for h in today if h["unit_code"].startswith("DN-")} >= {
        "Sở Tài chính", "Sở Nông nghiệp và Môi trường", "Sở Xây dựng", "Sở Khoa học và Công nghệ", "Sở Nội vụ"}
    former = [h for h in history if h["province_code"] == "75" and h["valid_to"] == "2025-06-30"]
    assert sum(h["unit_type"] in ("Huyện", "Thành phố") for h in former) == 11
    crosswalk = {r["old_code"]: r for r in seed("unit_crosswalk_2025")}
    former_communes = [h["unit_code"] for h in former if h["parent_code"] not in ("75", "")]
    assert len(former_communes) == 159 and all(crosswalk[c]["new_code"] for c in former_communes)
    assert crosswalk["25993"]["new_name"] == "Phường Trảng Dài"                 # Biên Hòa's Trảng Dài goes on


def test_departments_have_a_cited_successor_or_say_none_is_known():
    crosswalk = {r["old_code"]: r for r in seed("unit_crosswalk_2025")}
    assert (crosswalk["DEP-KHDT"]["new_code"], crosswalk["DEP-TC"]["new_code"]) == ("DN-TC", "DN-TC")
    assert crosswalk["DEP-TNMT"]["new_code"] == crosswalk["DEP-NNPTNT"]["new_code"] == "DN-NNMT"
    assert "Nghị định 45/2025/NĐ-CP" in crosswalk["DEP-GTVT"]["basis"]
    unknown = [r for r in crosswalk.values() if not r["new_code"]]
    assert {r["old_code"] for r in unknown} >= {"DEP-NGV", "DEP-BHXH", "DEP-CT", "TTPVHCC", "VPDKDD"}
    assert all(r["basis"].startswith("no successor known for certain") for r in unknown)


def test_history_covers_chon_thanh_becoming_a_town_and_the_2025_merger():
    versions = {(h["unit_code"], h["valid_from"]): h for h in seed("unit_history")}
    assert versions[("697", "2000-01-01")]["unit_name"] == "Huyện Chơn Thành"
    assert versions[("697", "2000-01-01")]["valid_to"] == "2022-09-30"
    assert versions[("697", "2022-10-01")]["unit_name"] == "Thị xã Chơn Thành"
    became_wards = [h for (code, start), h in versions.items() if start == "2022-10-01" and h["unit_type"] == "Phường"]
    assert len(became_wards) == 5
    after = [h for h in versions.values() if h["valid_from"] == "2025-07-01"]
    from_binh_phuoc = [h for h in after if h["parent_code"] == "75" and h["unit_code"].isdigit() and int(h["unit_code"]) < 25500]
    assert len(from_binh_phuoc) == 40                                  # 40 new communes on Bình Phước's land
    assert not [h for h in versions.values() if h["valid_to"] == "" and h["district_code"]]  # no district today


def test_crosswalk_maps_the_111_old_communes_onto_40_new_ones():
    rows = seed("unit_crosswalk_2025")
    communes = [r for r in rows if r["old_code"].isdigit() and 25000 < int(r["old_code"]) < 25500]  # Bình Phước's codes
    assert len(communes) == 111 and len({r["new_code"] for r in communes}) == 40
    by_old = {r["old_code"]: r for r in rows}
    assert by_old["25198"]["new_name"] == "Phường Bình Phước"            # Phường Tân Đồng, Đồng Xoài
    assert by_old["70"]["new_code"] == "75"


@pytest.mark.parametrize("name, context, code", [
    ("UBND xã Tân Thành - huyện Bù Đốp - tỉnh Bình Phước", {}, "25318"),
    ("Bù Gi Mập", {"kinds": {"district"}}, "691"),
    ("Huyện Bù Gi Mập", {}, "691"),
    ("Sở NN và PTNT", {}, "DEP-NNPTNT"),
    ("UBND TT Tân Khai", {}, "25357"),
    ("UBND xã Tân Khai - huyện Hớn Quản", {}, "25357"),                 # TT in one table, xã in another
    ("ubnd  XA tan thanh", {"district": "693"}, "25318"),                 # case, spacing, no diacritics
    ("H. Bù Đăng", {}, "696"),
    ("TX Bình Long", {}, "690"),
    ("UBND xã Lộc Thạnh - huyện Lộc Ninh", {}, "25280"),                  # differs from Lộc Thành by a mark only
    ("UBND xã Lộc Thành - huyện Lộc Ninh", {}, "25294"),
    ("CN VP ĐKĐĐ Bù Gia Mập", {}, "LRB-691"),
    ("Các Chi nhánh Đ Đ", {}, "VPDKDD"),
])
def test_names_as_printed_resolve_to_one_unit(name, context, code):
    found = register().resolve(name, on=DAY, **context)
    assert (found.status, found.code) == ("resolved", code), found.message


def test_communes_sharing_a_name_are_never_merged_and_ambiguity_names_the_candidates():
    found = register().resolve("Xã Tân Thành", on=DAY)
    assert found.status == "ambiguous" and found.code is None
    assert sorted(c.split(" ")[0] for c in found.candidates) == ["25207", "25318"]
    assert "Thành phố Đồng Xoài" in found.message and "Huyện Bù Đốp" in found.message
    assert register().resolve("Xã Tân Thành", district="689", on=DAY).code == "25207"


def test_an_unknown_name_is_reported_not_guessed():
    found = register().resolve("Sở Hàng Không Vũ Trụ", on=DAY)
    assert found.status == "unknown" and found.code is None
    near = register().resolve("UBND xã Tân Thàn", on=DAY)      # a typo that fits two communes: candidates, no guess
    assert near.code is None and len(near.candidates) >= 2


def test_names_are_matched_as_of_the_report_day():
    r = register()
    assert r.resolve("Phường Hưng Long", district="697", on=dt.date(2023, 1, 1)).code == "25432"
    assert r.resolve("Phường Hưng Long", district="697", on=DAY).status == "unknown"   # still Thị trấn Chơn Thành then
    assert r.resolve("Phường Bình Phước", on=dt.date(2025, 8, 1)).code == "25195"


@pytest.mark.parametrize("table", ["000_p2_online_rate", "000_p3_gris_missing", "004_p2_online_rate"])
def test_every_detail_name_of_the_real_tables_resolves_once(table):
    """Appendix 2 (district rows give the context) and 3 (districts in the names, eight bare)."""
    with open(REFERENCE / f"{table}.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["row_kind"] == "detail"]
    r = UnitRegister()
    names, district = [], None
    for row in rows:
        if row["unit_name_raw"] == row.get("district_context"):
            district = r.resolve(row["unit_name_raw"], kinds={"district"}, on=DAY).code
            names.append((row["unit_name_raw"], {"on": DAY}))
        else:
            names.append((row["unit_name_raw"], {"district": district, "on": DAY}))
    found = r.resolve_table(names)
    assert [f.message for f in found if f.status != "resolved"] == []
    assert len({f.code for f in found}) == len(rows)                  # no two rows on one unit


def test_marts_report_by_units_then_and_by_todays_units(built):
    import duckdb

    with duckdb.connect(str(built.published), read_only=True) as con:
        today = dict(con.execute("select unit_code, current_unit_code from marts.dim_unit "
                                 "where unit_code in ('25198', '25195', '689', 'DEP-YT', 'DEP-KHDT', 'DEP-NGV', '70')").fetchall())
        then = con.execute("select unit_name from marts.fct_online_dossier_rate "
                           "where period_id = 'month_2021_12' and unit_code = '25432'").fetchall()
        by_today = con.execute("""select sum(online_dossiers), sum(total_dossiers), count(*), max(units_merged)
                                  from marts.fct_online_dossier_rate_by_current_unit where period_id = 'month_2021_12'""").fetchall()[0]
        province = con.execute("""select online_dossiers, total_dossiers from marts.fct_online_dossier_rate
                                  where period_id = 'month_2021_12' and unit_code = '70'""").fetchall()[0]
        communes_today = con.execute("""select count(distinct current_unit_code) from marts.dim_unit
                                        where unit_kind = 'commune' and section is not null""").fetchall()[0][0]
        merged = con.execute("""select current_unit_name, units_merged from marts.fct_online_dossier_rate_by_current_unit
                                where period_id = 'month_2021_12' and current_unit_code = 'DN-TC'""").fetchall()
    # a department goes on in today's department of its field; none where none is known for certain
    assert today == {"25198": "25195", "25195": "25195", "689": None, "DEP-YT": "DN-YT", "DEP-KHDT": "DN-TC",
                     "DEP-NGV": None, "70": "75"}
    assert merged == [("Sở Tài chính", 2)]                # Kế hoạch và Đầu tư and Tài chính, summed
    assert then == [("Thị trấn Chơn Thành",)]             # named as it was, not Phường Hưng Long
    assert by_today[:2] == province                       # regrouping loses and adds nothing
    assert by_today[3] > 1 and communes_today == 40       # old communes gathered under the 40 of 2025


def test_names_of_the_former_dong_nai_and_of_today_resolve_on_their_dates():
    """Before the merger a 2024 workbook of the former Đồng Nai resolves when its province
    is given, and never by default (the platform then served Bình Phước); after it, today's
    communes and departments resolve by default."""
    units = register()
    before, after = dt.date(2024, 5, 1), dt.date(2025, 8, 1)
    old = units.resolve("UBND phường Tân Phong - Thành phố Biên Hòa", on=before, province="75")
    assert (old.status, old.code) == ("resolved", "25996")
    assert units.resolve("UBND phường Tân Phong - Thành phố Biên Hòa", on=before).status != "resolved"
    assert units.resolve("Phường Tân Triều", on=after).code == "26188"             # Tân Phong's successor
    assert units.resolve("Sở Nông nghiệp và Môi trường", on=after).code == "DN-NNMT"
    assert units.resolve("Sở Nông nghiệp và Môi trường", on=before).status != "resolved"


def test_a_name_of_a_unit_not_in_force_on_the_day_names_it_and_its_successor():
    """A report speaking of August 2025 that names a unit which ended on 30/06/2025 gets
    no code (it is counted under no unit), and its note says which unit, when it ended
    and the successor, or that none is known: a nearby name in force never stands in."""
    units, after = register(), dt.date(2025, 8, 31)
    merged = units.resolve("UBND phường Tân Đồng", district="689", on=after)
    assert (merged.status, merged.code) == ("not_in_force", None)
    assert "25198 Phường Tân Đồng, which ended on 30/06/2025" in merged.message
    assert "successor is 25195 Phường Bình Phước" in merged.message and "31/08/2025" in merged.message
    department = units.resolve("Sở NN và PTNT", on=after)
    assert department.code is None and "its successor is DN-NNMT Sở Nông nghiệp và Môi trường" in department.note
    assert "Nghị định 45/2025/NĐ-CP" in department.note
    foreign = units.resolve("Sở Ngoại vụ", on=after)           # not DN-NV: its successor is not known for certain
    assert foreign.code is None and foreign.status == "not_in_force" and "no successor known for certain" in foreign.note
    district = units.resolve("UBND huyện Đồng Phú", on=after)
    assert district.status == "not_in_force" and "ended on 30/06/2025" in district.note
    early = units.resolve("Sở Nông nghiệp và Môi trường", on=dt.date(2024, 5, 1))
    assert early.status == "not_in_force" and "in force only from 01/07/2025" in early.note
    # the same names on a day they were in force resolve as before
    assert units.resolve("UBND phường Tân Đồng", district="689", on=dt.date(2025, 6, 30)).code == "25198"
    assert units.resolve("Sở Ngoại vụ", on=dt.date(2025, 6, 30)).code == "DEP-NGV"
