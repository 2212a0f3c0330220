"""Targets and reporting obligations are data with validity dates up to today: every day from
2021 to 2026 has a target row for each KPI and tier (an empty one saying that no official
figure is known), and after the 2025 reform the obligations fall on units that exist."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict

from tthc.config import DBT_PROJECT
from tthc.generator.reform import in_force

SEEDS = DBT_PROJECT / "registers" / "75"   # Đồng Nai's register: the documents' province
FIRST, LAST = dt.date(2021, 1, 1), dt.date(2026, 12, 31)
REFORM = dt.date(2025, 7, 1)


def seed(name: str) -> list[dict]:
    with open(SEEDS / f"{name}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def span(row: dict) -> tuple[dt.date, dt.date]:
    return dt.date.fromisoformat(row["valid_from"]), dt.date.fromisoformat(row["valid_to"] or "9999-12-31")


def days(first: dt.date, last: dt.date):
    return (first + dt.timedelta(days=n) for n in range((last - first).days + 1))


def test_every_day_to_today_has_a_target_or_says_none_is_known():
    targets = seed("kpi_targets")
    assert all(r["source"] for r in targets)
    for kpi in {r["kpi"] for r in targets}:
        rows = [r for r in targets if r["kpi"] == kpi and not r["unit_code"]]
        for tier in ("province", "district", "commune"):
            # the marts take a tier's own row before the row for all tiers
            own = [span(r) for r in rows if r["tier"] == tier]
            common = [span(r) for r in rows if r["tier"] == "all"]
            for day in days(FIRST, LAST):
                mine = sum(a <= day <= b for a, b in own)
                assert mine <= 1, (kpi, tier, day)
                assert mine or sum(a <= day <= b for a, b in common) == 1, (kpi, tier, day)
    # where no figure is known the row is there, empty, and says so
    empty = [r for r in targets if r["target_rate"] == ""]
    assert empty and all("no target" in r["source"].lower() for r in empty)
    assert any(r["kpi"] == "online_dossier_rate" and span(r)[0] <= dt.date(2025, 8, 1) <= span(r)[1] for r in empty)


def test_obligations_after_the_reform_fall_on_units_in_force():
    obligations = seed("report_obligations")
    before = [r for r in obligations if span(r)[0] <= dt.date(2025, 6, 30) <= span(r)[1]]
    after = [r for r in obligations if span(r)[0] <= REFORM <= span(r)[1]]
    assert before and after and all(span(r)[1] <= dt.date(2025, 6, 30) for r in before)
    # the three GRIS forms of the communes go on; each LRIS indicator passes to the successor department
    assert sorted(r["form_code"] for r in after if r["system"] == "GRIS") == ["II.01b", "II.05a", "II.06"]
    successor = {r["old_code"]: r["new_code"] for r in seed("unit_crosswalk_2025") if r["new_code"]}
    carried = {(r["form_code"], successor[r["unit_code"]]) for r in before
               if r["system"] == "LRIS" and r["unit_code"] in successor}
    assert carried and carried == {(r["form_code"], r["unit_code"]) for r in after if r["system"] == "LRIS"}
    units = set(in_force(REFORM)["unit_code"])
    assert {r["unit_code"] for r in after if r["unit_code"]} <= units
    # one obligation per form, unit and day
    seen = defaultdict(list)
    for r in obligations:
        seen[(r["system"], r["form_code"], r["unit_code"])].append(span(r))
    for key, spans in seen.items():
        spans.sort()
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:])), key
