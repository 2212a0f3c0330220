"""The demo generator: deterministic, and calibrated to seed 000."""

from __future__ import annotations

import csv
import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest

from tests.conftest import END, REFERENCE, START, one
from tthc.config import DBT_PROJECT
from tthc.generator import generate
from tthc.generator.catalogue import build_catalogue, catalogue_deliveries
from tthc.generator.submissions import build_submissions


def all_rows(landing) -> str:
    return f"read_csv('{landing}/dossiers/*.csv', filename = true, all_varchar = true)"


def latest_states(landing) -> str:
    return f"""(select * from read_csv('{landing}/dossiers/*.csv', all_varchar = true)
        qualify row_number() over (partition by dossier_code order by updated_at desc) = 1)"""


def test_same_seed_same_files(tmp_path):
    end = START + dt.timedelta(days=4)
    for name in ("a", "b"):
        generate(tmp_path / name, START, end, seed=11, scale=0.02)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.csv"))
    assert len(files) == 16  # five days of dossiers, payments and report entries; the catalogue once
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    generate(tmp_path / "c", START, end, seed=12, scale=0.02)
    assert (tmp_path / "c" / files[0]).read_bytes() != (tmp_path / "a" / files[0]).read_bytes()


def test_catalogue_has_the_documents_counts():
    c = build_catalogue(np.random.default_rng(1))
    own = c[~c["interconnected"]]
    assert own.groupby("tier").size().to_dict() == {"province": 1446, "district": 244, "commune": 94}
    assert c[c["interconnected"]].groupby("tier").size().to_dict() == {"district": 97, "commune": 53}
    assert c.loc[c["online_level"] >= 3, "service_code"].nunique() == 1651
    assert own.loc[own["tier"] == "province", "online_level"].value_counts().to_dict() == {4: 1222, 3: 115, 2: 109}


def test_online_share_and_overdue_share_near_the_documents(landing):
    online, received = one(f"""
        select count(*) filter (where channel = '2'), count(*) from {latest_states(landing)}
        where received_at >= '{START}'""")
    # seed 000: 30.615 ÷ 141.618 = 21,62% received online
    assert online / received == pytest.approx(0.2162, abs=0.03)
    overdue, resolved = one(f"""
        select count(*) filter (where cast(finished_at as date) > cast(due_at as date)), count(*)
        from {latest_states(landing)} where finished_at is not null""")
    # seed 000: 9.170 ÷ 242.311 = 3,78% resolved overdue
    assert overdue / resolved == pytest.approx(0.0378, abs=0.015)


def test_volume_per_unit_follows_appendix_2(landing):
    """Units that appendix 2 shows as busiest are the busiest here too (scaled, so compared by rank)."""
    with open(REFERENCE / "000_p2_online_rate.csv", encoding="utf-8") as f:
        top = sorted((r for r in csv.DictReader(f) if r["row_kind"] == "detail"), key=lambda r: -int(r["total_dossiers"]))[:11]
    assert all("Đất đai" in r["unit_name_raw"] or "ĐKĐĐ" in r["unit_name_raw"] or "VP" in r["unit_name_raw"] for r in top[:5])
    busiest = duckdb.sql(f"select unit_code from {latest_states(landing)} group by 1 order by count(*) desc limit 5").fetchall()
    assert all(code.startswith("LRB-") for (code,) in busiest)


def test_every_status_appears_and_dossiers_reappear_when_they_change(landing):
    statuses = {int(s) for (s,) in duckdb.sql(f"select distinct status from {all_rows(landing)}").fetchall()}
    assert statuses >= {1, 2, 3, 4, 5, 7, 8, 9, 10}
    max_days, max_rows_per_day = one(f"""
        select max(days), max(rows - days) from (
            select dossier_code, count(distinct filename) as days, count(*) as rows from {all_rows(landing)} group by 1)""")
    assert max_days >= 3           # a dossier changes over several days...
    assert max_rows_per_day == 0   # ...and appears once in each day's extract


def test_personal_data_is_in_the_extracts(landing):
    """The extracts carry citizen data, so that the staging layer has something to strip."""
    names, ids = one(f"select count(applicant_name), count(applicant_id_number) from {all_rows(landing)}")
    assert names > 0 and ids == names


def test_catalogue_history_keeps_the_count_and_changes_scale_in_july():
    rng = np.random.default_rng(1)
    catalogue = build_catalogue(rng)
    deliveries = catalogue_deliveries(rng, catalogue, dt.date(2022, 5, 20), dt.date(2022, 8, 2))
    assert list(deliveries) == [dt.date(2022, 5, 20), dt.date(2022, 6, 1), dt.date(2022, 7, 1), dt.date(2022, 8, 1)]
    may, june, july, august = deliveries.values()
    for old_scale in (may, june):
        assert old_scale.loc[old_scale["online_level"] >= 3, "service_code"].nunique() == 1651
    assert (june["online_level"] == 4).sum() > (may["online_level"] == 4).sum()  # upgrades on the first of the month
    assert july["online_level"].isna().all()
    assert july.loc[july["online_scope"].notna(), "service_code"].nunique() == 1651
    assert (july["online_scope"] == "full").sum() == (june["online_level"] == 4).sum()
    assert (august["online_scope"] == "full").sum() > (july["online_scope"] == "full").sum()


def test_payments_belong_to_dossiers_with_a_fee(landing):
    payments = f"read_csv('{landing}/payments/*.csv', all_varchar = true)"
    orphans, without_fee = one(f"""
        select count(*) filter (where d.dossier_code is null), count(*) filter (where d.fee_required <> '1')
        from {payments} p left join {latest_states(landing)} d using (dossier_code)""")
    assert (orphans, without_fee) == (0, 0)
    kinds = dict(duckdb.sql(f"select kind, count(distinct transaction_id) from {payments} group by 1").fetchall())
    assert kinds["land_obligation"] > kinds["fee"] > 0
    statuses = {s for (s,) in duckdb.sql(f"select distinct status from {payments}").fetchall()}
    assert statuses >= {"pending", "paid", "cancelled"}
    # a dossier is flagged paid online exactly when one of its transactions was paid
    mismatched = one(f"""
        select count(*) from {latest_states(landing)} d
        left join (select distinct dossier_code from {payments} where paid_at is not null) p using (dossier_code)
        where received_at between '{START + dt.timedelta(days=3)}' and '{END - dt.timedelta(days=5)}'
          and (d.paid_online = '1') <> (p.dossier_code is not null)""")[0]
    assert mismatched == 0
    land_mean = one(f"select avg(cast(amount_vnd as bigint)) from {payments} where kind = 'land_obligation'")[0]
    assert 3e6 < land_mean < 10e6  # seed 000: 165,1 billion ÷ 26.653 ≈ 6,2 million VND


def test_report_entries_follow_seed_000_coverage():
    """Quarter I/2022 (seed 000 §5.1): II.01b 75/111 communes, II.05a 107/111, II.06 111/111; LRIS: only
    the planning and investment department enters its 94 indicators."""
    entries = build_submissions(np.random.default_rng(5), dt.date(2022, 3, 1), dt.date(2022, 4, 30))
    q1 = entries[(entries["system"] == "GRIS") & (entries["period_start"] == dt.date(2022, 1, 1))]
    communes = q1.groupby("form_code")["unit_code"].nunique().to_dict()
    assert communes["II.06"] == 111
    assert 107 - 6 <= communes["II.05a"] <= 111
    assert 75 - 12 <= communes["II.01b"] <= 75 + 12
    march = entries[(entries["system"] == "LRIS") & (entries["period_start"] == dt.date(2022, 3, 1))]
    per_department = march.groupby("unit_code")["form_code"].nunique()
    assert 94 - 5 <= per_department["DEP-KHDT"] <= 94
    assert per_department.drop("DEP-KHDT").sum() < 20


def test_payments_follow_appendix_5(tmp_path):
    """Seed 000's appendix 5, 01/01–15/05/2022: 26.653 land-obligation payments for
    165.114.587.354 VND, and 403 fee payments for 130.210.001 VND. Calibrated for the demo's
    seed and scale: which services carry a fee varies with the seed, and with it the share of
    dossiers that can be paid."""
    generate(tmp_path, dt.date(2022, 1, 1), dt.date(2022, 5, 15), seed=2022, scale=1.0)
    paid = dict((kind, (n, amount)) for kind, n, amount in duckdb.sql(f"""
        select kind, count(*), sum(cast(amount_vnd as bigint)) from read_csv('{tmp_path}/payments/*.csv', all_varchar = true)
        where status = 'paid' group by 1""").fetchall())
    land, fees = paid["land_obligation"], paid["fee"]
    assert land[0] == pytest.approx(26653, rel=0.1)
    assert land[1] == pytest.approx(165_114_587_354, rel=0.2)
    assert fees[0] == pytest.approx(403, rel=0.5)
    assert fees[1] == pytest.approx(130_210_001, rel=0.5)


def test_entries_after_the_reform_come_from_todays_units():
    """Report entries made from August to October 2025 (quarter III's GRIS, the months' LRIS):
    the 95 communes and wards of the platform's reports then, and the successor
    departments; no old unit."""
    from tthc.generator.reform import in_force

    entries = build_submissions(np.random.default_rng(3), dt.date(2025, 8, 1), dt.date(2025, 10, 31))
    units = in_force("2025-08-01")
    communes = set(units.loc[(units["unit_kind"] == "commune") & units["section"].ne(""), "unit_code"])
    gris = entries[entries["system"] == "GRIS"]
    lris = entries[entries["system"] == "LRIS"]
    assert len(communes) == 95 and set(gris["unit_code"]) <= communes
    assert set(gris.loc[gris["form_code"] == "II.06", "unit_code"]) == communes     # every commune enters II.06
    assert set(gris["form_code"]) == {"II.01b", "II.05a", "II.06"}
    assert len(lris) and all(code.startswith("DN-") for code in lris["unit_code"])
    assert set(lris["unit_code"]) <= set(units["unit_code"])


def test_catalogue_after_the_reform_has_no_district_tier():
    from tthc.generator.reform import catalogue_in_force, in_force

    catalogue = build_catalogue(np.random.default_rng(1))
    before = catalogue_in_force(catalogue, dt.date(2025, 6, 30))
    after = catalogue_in_force(catalogue, dt.date(2025, 7, 1))
    assert before.equals(catalogue) and "district" in set(before["tier"])
    assert set(after["tier"]) == {"province", "commune"}
    assert not after.duplicated(["service_code", "tier"]).any() and set(after["service_code"]) == set(catalogue["service_code"])
    crosswalk = pd.read_csv(DBT_PROJECT / "registers" / "75" / "unit_crosswalk_2025.csv", dtype=str, keep_default_na=False)
    no_successor = set(crosswalk.loc[crosswalk["new_code"] == "", "old_code"])
    agencies = set(after["agency_code"].dropna())
    assert agencies - no_successor <= set(in_force("2025-07-01")["unit_code"])
    assert not agencies & set(crosswalk.loc[crosswalk["new_code"] != "", "old_code"]) - set(crosswalk["new_code"])


def test_every_commune_of_todays_province_receives_dossiers_after_the_reform(tmp_path):
    """From 01/07/2025 the former Đồng Nai's communes are on the portal too (at an assumed
    volume: reform.absorbed_communes), never before; every row names a unit in force."""
    from tthc.generator.reform import in_force

    generate(tmp_path, dt.date(2025, 6, 20), dt.date(2025, 7, 20), seed=5, scale=0.3)
    units = in_force("2025-07-01")
    communes = set(units.loc[(units["unit_kind"] == "commune") & units["section"].ne(""), "unit_code"])
    named = dict(duckdb.sql(f"""select unit_code, min(received_at) from {all_rows(tmp_path)}
                                where filename >= '{tmp_path}/dossiers/dossiers_2025-07-01.csv' group by unit_code""").fetchall())
    assert communes <= set(named)
    former = set(in_force("2025-06-30").query("unit_kind == 'commune' and section == ''")["unit_code"])
    june = {u for (u,) in duckdb.sql(f"""select distinct unit_code from {all_rows(tmp_path)}
                                         where filename < '{tmp_path}/dossiers/dossiers_2025-07-01.csv'""").fetchall()}
    assert not june & former                                  # the former Đồng Nai had no dossiers on our portal
    ours = set(in_force("2025-06-30").query("section != ''")["unit_code"])
    on_former_land = communes - ours
    assert len(on_former_land) == 55 and min(named[u] for u in on_former_land) >= "2025-07-01"
