"""The national roll-up (decision 0023): whenever a province home's daily run publishes,
roll every province's published marts up into TTHC_HOME/national (tthc national).

Only in a national deployment: without province homes under TTHC_HOME/provinces there is
no DAG. The roll-up reads the provinces' published copies, never their warehouses, so it
needs no writer slot; its own lock keeps two roll-ups from writing the national file.
"""

from __future__ import annotations

import datetime as dt

import pendulum
from airflow.sdk import Asset, AssetAny, dag, task

from tthc.alerts import task_failed
from tthc.config import root
from tthc.dates import LOCAL_TZ
from warehouse.provinces import province_folders, published_asset_uri

PROVINCES = [code for code, _ in province_folders(root())]

if PROVINCES:
    @dag(
        dag_id="tthc_national",
        schedule=AssetAny(*(Asset(published_asset_uri(code)) for code in PROVINCES)),
        start_date=pendulum.datetime(2021, 12, 15, tz=LOCAL_TZ),
        catchup=False,
        max_active_runs=1,
        default_args={"retries": 2, "retry_delay": dt.timedelta(minutes=2), "on_failure_callback": task_failed},
        tags=["tthc", "warehouse", "national"],
        doc_md=__doc__,
    )
    def tthc_national():
        @task
        def roll_up() -> dict:
            from warehouse.national import build_national

            done = build_national(root())
            return {"provinces": done.provinces, "not_yet_built": done.not_yet_built}

        roll_up()

    tthc_national()
