"""The demo generator: deterministic, and calibrated to seed 000."""

from __future__ import annotations

import csv
import datetime as dt

import duckdb
import numpy as np
import pytest

from tests.conftest import REFERENCE, START
from tthc.generator import generate
from tthc.generator.catalogue import build_catalogue


def all_rows(landing) -> str:
    return f"read_csv('{landing}/dossiers/*.csv', filename = true, all_varchar = true)"


def latest_states(landing) -> str:
    return f"""(select * from read_csv('{landing}/dossiers/*.csv', all_varchar = true)
        qualify row_number() over (partition by dossier_code order by updated_at desc) = 1)"""


def one(sql: str) -> tuple:
    return duckdb.sql(sql).fetchall()[0]


def test_same_seed_same_files(tmp_path):
    end = START + dt.timedelta(days=4)
    for name in ("a", "b"):
        generate(tmp_path / name, START, end, seed=11, scale=0.02)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.csv"))
    assert len(files) == 6  # five days of dossiers and the catalogue
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
