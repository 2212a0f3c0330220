"""Days are counted in the province's time zone."""

from __future__ import annotations

import datetime as dt

import pendulum

LOCAL_TZ = "Asia/Ho_Chi_Minh"


def extract_date_of_run(logical_date) -> dt.date:
    """The extract a DAG run processes: its logical date's local day. (For a scheduled run the
    logical date is its data interval's start, D 06:00; for a manual run or `dag.test`, the
    date given. The data interval of a manual run ends at that date instead.)"""
    return pendulum.instance(logical_date).in_timezone(LOCAL_TZ).date()
