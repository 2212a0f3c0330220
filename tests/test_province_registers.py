"""Every province of 2025 has a unit register its home builds with (decision 0025), and each
holds together: the dbt seed tests' relationships (run by a build, which only one of them gets
in this suite), the 2025 crosswalk, the two structures of the reports, targets for every day."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter

import pytest

from tthc.config import REGISTERS, register_folder
from warehouse.provinces import provinces

FILES = ["units", "unit_history", "unit_crosswalk_2025", "unit_aliases", "report_obligations", "kpi_targets",
         "report_periods", "home_province"]
KINDS = {"province", "department", "land_office", "land_branch", "service_centre", "district", "commune"}
REFORM, LAST_BEFORE = "2025-07-01", "2025-06-30"


def read(code: str, name: str) -> list[dict]:
    with open(register_folder(code) / f"{name}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def in_force(row: dict, day: str) -> bool:
    return row["valid_from"] <= day and (not row["valid_to"] or day <= row["valid_to"])


def test_every_province_of_2025_has_a_register_and_no_other_folder_is_one():
    assert sorted(p.name for p in REGISTERS.iterdir() if p.is_dir()) == sorted(provinces())
    for code in provinces():
        assert all((REGISTERS / code / f"{name}.csv").exists() for name in FILES), code


@pytest.mark.parametrize("code", sorted(provinces()))
def test_a_register_holds_together(code):
    units = {r["unit_code"]: r for r in read(code, "units")}
    assert len(units) == len(read(code, "units")) and {r["unit_kind"] for r in units.values()} <= KINDS
    history = read(code, "unit_history")
    assert not [k for k, n in Counter((h["unit_code"], h["valid_from"]) for h in history).items() if n > 1]
    assert {h["unit_code"] for h in history} == set(units)
    provinces_of_register = {c for c, u in units.items() if u["unit_kind"] == "province"}
    assert {h["province_code"] for h in history} <= provinces_of_register

    (home,) = read(code, "home_province")
    assert home["province_code"] == code and home["portal_province_code"] in provinces_of_register

    # the crosswalk: each old unit once, to a unit in force on the reform's day
    crosswalk = read(code, "unit_crosswalk_2025")
    assert len({c["old_code"] for c in crosswalk}) == len(crosswalk) and {c["old_code"] for c in crosswalk} <= set(units)
    in_force_then = {h["unit_code"] for h in history if in_force(h, REFORM)}
    assert {c["new_code"] for c in crosswalk if c["new_code"]} <= in_force_then
    ended_communes = {h["unit_code"] for h in history if h["unit_kind"] == "commune" and h["valid_to"] == LAST_BEFORE}
    assert ended_communes <= {c["old_code"] for c in crosswalk}, "an old commune without its commune of 2025"
    assert all(c["basis"] for c in crosswalk)

    # the reports' structures: the portal's before the reform, the province's two tiers after
    for day, sections in ((LAST_BEFORE, {"A", "B", "C"}), (REFORM, {"A", "B"})):
        reported = [h for h in history if in_force(h, day) and h["section"]]
        assert {h["section"] for h in reported} <= sections and reported
        assert {h["province_code"] for h in reported} == {home["portal_province_code"] if day < REFORM else code}
        orders = Counter((h["section"], h["unit_kind"], h["report_order"]) for h in reported)
        assert max(orders.values()) == 1, f"two units share a place in the reports of {day}"

    for r in read(code, "report_obligations") + read(code, "unit_aliases"):
        assert not r["unit_code"] or r["unit_code"] in units
    # a target row (a figure, or "none known": for all tiers or for each) for every KPI and day through 2026
    targets = [t for t in read(code, "kpi_targets") if not t["unit_code"]]
    for kpi in {t["kpi"] for t in targets}:
        days = sorted((t["valid_from"], t["valid_to"]) for t in targets if t["kpi"] == kpi)
        assert days[0][0] <= "2021-01-01" and days[-1][1] >= "2026-12-31"
        assert all(dt.date.fromisoformat(a[1]) + dt.timedelta(days=1) >= dt.date.fromisoformat(b[0])
                   for a, b in zip(days, days[1:])), f"{code} {kpi}: a gap between targets"


def test_the_registers_hold_the_3321_communes_of_2025_each_in_one_province():
    """The statistics office's 3,321 communes, wards and special zones of 01/07/2025, none in two
    provinces' registers: a code the portal sends resolves in one province home only."""
    communes = Counter(h["unit_code"] for code in provinces() for h in read(code, "unit_history")
                       if h["unit_kind"] == "commune" and h["valid_from"] == REFORM and h["province_code"] == code)
    assert len(communes) == 3321 and set(communes.values()) == {1}


def test_a_province_register_resolves_its_own_names_before_and_after_the_reform():
    """Hồ Chí Minh City's register, as its home's unit reports read it: a ward of 2025, a
    district of the old city, and a town of the former Bình Dương (another province then)."""
    from ingestion.unit_names import UnitRegister

    units = UnitRegister(register_folder("79"))
    assert (units.home_province, units.portal_province, units.other_provinces) == ("79", "79", ["74", "77"])
    assert units.resolve("Phường Sài Gòn", on=dt.date(2025, 9, 30)).code == "26740"
    assert units.resolve("Quận 1", kinds={"district"}, on=dt.date(2024, 12, 31)).code == "760"
    assert units.resolve("Thành phố Thủ Dầu Một", kinds={"district"}, on=dt.date(2024, 12, 31)).status != "resolved"
    assert units.resolve("Thành phố Thủ Dầu Một", kinds={"district"}, on=dt.date(2024, 12, 31), province="74").code == "718"
    assert units.resolve("Sở Nông nghiệp và Môi trường", kinds={"department"}, on=dt.date(2025, 9, 30)).code == "P79-NNMT"
