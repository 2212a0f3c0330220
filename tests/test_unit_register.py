"""The unit register: history, the 2025 crosswalk, and names resolved as the documents print them."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from ingestion.unit_names import SEEDS, UnitRegister, register
from tests.conftest import REFERENCE

DAY = dt.date(2022, 3, 14)


def seed(name: str) -> list[dict]:
    with open(SEEDS / f"{name}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_register_holds_every_tier_with_official_codes():
    units = seed("units")
    kinds = {}
    for u in units:
        kinds[u["unit_kind"]] = kinds.get(u["unit_kind"], 0) + 1
    assert kinds == {"province": 2, "department": 21, "land_office": 1, "service_centre": 1,
                     "land_branch": 11, "district": 11, "commune": 111}
    assert {u["unit_code"] for u in units if u["unit_kind"] == "district"} == {str(c) for c in range(688, 699)}


def test_history_covers_chon_thanh_becoming_a_town_and_the_2025_merger():
    versions = {(h["unit_code"], h["valid_from"]): h for h in seed("unit_history")}
    assert versions[("697", "2000-01-01")]["unit_name"] == "Huyện Chơn Thành"
    assert versions[("697", "2000-01-01")]["valid_to"] == "2022-09-30"
    assert versions[("697", "2022-10-01")]["unit_name"] == "Thị xã Chơn Thành"
    became_wards = [h for (code, start), h in versions.items() if start == "2022-10-01" and h["unit_type"] == "Phường"]
    assert len(became_wards) == 5
    after = [h for h in versions.values() if h["valid_from"] == "2025-07-01"]
    assert sum(h["parent_code"] == "75" for h in after) == 40           # 40 new communes of Đồng Nai
    assert not [h for h in versions.values() if h["valid_to"] == "" and h["district_code"]]  # no district today


def test_crosswalk_maps_the_111_old_communes_onto_40_new_ones():
    rows = seed("unit_crosswalk_2025")
    communes = [r for r in rows if r["old_code"] != "70"]
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
                                 "where unit_code in ('25198', '25195', '689', 'DEP-YT', '70')").fetchall())
        then = con.execute("select unit_name from marts.fct_online_dossier_rate "
                           "where period_id = 'month_2021_12' and unit_code = '25432'").fetchall()
        by_today = con.execute("""select sum(online_dossiers), sum(total_dossiers), count(*), max(units_merged)
                                  from marts.fct_online_dossier_rate_by_current_unit where period_id = 'month_2021_12'""").fetchall()[0]
        province = con.execute("""select online_dossiers, total_dossiers from marts.fct_online_dossier_rate
                                  where period_id = 'month_2021_12' and unit_code = '70'""").fetchall()[0]
        communes_today = con.execute("""select count(distinct current_unit_code) from marts.dim_unit
                                        where unit_kind = 'commune'""").fetchall()[0][0]
    assert today == {"25198": "25195", "25195": "25195", "689": None, "DEP-YT": None, "70": "75"}
    assert then == [("Thị trấn Chơn Thành",)]             # named as it was, not Phường Hưng Long
    assert by_today[:2] == province                       # regrouping loses and adds nothing
    assert by_today[3] > 1 and communes_today == 40       # old communes gathered under the 40 of 2025
