"""The period counts summed from signed changes equal counting every dossier in every period.

The reports once counted each dossier in each period it touched: one row per dossier and
period. int_unit_period_counts and int_new_dossiers_by_period now sum signed changes
whose size grows with the dossiers once (decision 0022). The old way stays here as the
reference: on the session's build, with random dossier histories added that the generator
never writes (late extracts, corrections that move a dossier to another unit or channel
or change its dates, receipt days after the extract day, closings dated before receipt,
finish days after the as-of day, versions replaced before their receipt day, payments),
both give the same figures for every period and unit.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb
import pandas as pd

from tests.conftest import END, START
from tthc.dbt import run_dbt

# The old computation: every dossier in its state as of each period's as-of day.
DOSSIERS_BY_PERIOD = """
    with periods as (
        select period_id, period_start, as_of_day from intermediate.int_report_periods
    ),
    first_paid as (
        select dossier_code, min(paid_day) as paid_day
        from intermediate.int_payment_transactions where paid_at is not null group by dossier_code
    ),
    state as (
        select p.period_id, p.period_start, p.as_of_day, v.dossier_code, v.unit_code, v.procedure_code, v.channel,
            cast(v.received_at as date) as rd, cast(v.finished_at as date) as fd, cast(v.closed_at as date) as cd,
            cast(v.due_at as date) as dd, v.components_digitized, v.result_digitized, v.digitized_data_reused,
            v.fee_required, f.paid_day
        from periods as p
        inner join intermediate.int_dossier_versions as v
            on v.valid_from <= p.as_of_day and (v.valid_to is null or v.valid_to > p.as_of_day)
        left join first_paid as f on f.dossier_code = v.dossier_code
        where v.received_at is not null and cast(v.received_at as date) <= p.as_of_day
    )
    select *,
        rd >= period_start and channel = 2 as is_new_online,
        rd >= period_start and channel in (1, 3) as is_new_offline,
        fd is not null as is_resolved
    from state
    where (fd is null or fd >= period_start) and (cd is null or cd >= period_start)
"""

UNIT_COUNTS = f"""
    with s as ({DOSSIERS_BY_PERIOD})
    select period_id, unit_code,
        count(*) as received_total,
        count(*) filter (where is_new_online) as received_new_online,
        count(*) filter (where rd < period_start) as received_carried_over,
        count(*) filter (where is_new_offline) as received_new_offline,
        count(*) filter (where is_resolved) as resolved_total,
        count(*) filter (where is_resolved and fd <= coalesce(dd, fd)) as resolved_on_time,
        count(*) filter (where is_resolved and fd > dd) as resolved_overdue,
        count(*) filter (where fd is null and cd is null) as pending_total,
        count(*) filter (where fd is null and cd is null and (dd is null or dd >= as_of_day)) as pending_not_due,
        count(*) filter (where fd is null and cd is null and dd < as_of_day) as pending_overdue,
        count(*) filter (where cd is not null) as closed_otherwise,
        count(*) filter (where is_resolved and components_digitized and result_digitized) as digitized_resolved,
        count(*) filter (where is_new_online or is_new_offline) as received_dossiers,
        count(*) filter (where (is_new_online or is_new_offline) and components_digitized) as components_digitized,
        count(*) filter (where is_resolved and result_digitized) as results_digitized,
        count(*) filter (where (is_new_online or is_new_offline) and digitized_data_reused) as data_reused,
        count(*) filter (where fee_required and (is_new_online or is_new_offline)) as dossiers_with_fees,
        count(*) filter (where fee_required and (is_new_online or is_new_offline) and paid_day <= as_of_day)
            as dossiers_paid_online
    from s group by period_id, unit_code
"""

NEW_BY_SERVICE = f"""
    with s as ({DOSSIERS_BY_PERIOD})
    select period_id, unit_code, procedure_code, channel, count(*) as dossiers,
        count(*) filter (where components_digitized) as components_digitized,
        count(*) filter (where digitized_data_reused) as data_reused,
        count(*) filter (where fee_required) as with_fees,
        count(*) filter (where fee_required and paid_day <= as_of_day) as with_fees_paid_online
    from s where rd >= period_start group by all
"""


def _differences(con, expected_sql: str, actual_sql: str) -> list[tuple]:
    return con.execute(f"""
        with expected as ({expected_sql}), actual as ({actual_sql})
        (select 'expected' as side, * from (select * from expected except all select * from actual))
        union all
        (select 'actual', * from (select * from actual except all select * from expected))
        limit 10""").fetchall()


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def _at(day: dt.date | None, hour: int = 9) -> dt.datetime | None:
    return None if day is None else dt.datetime.combine(day, dt.time(hour))


def random_histories(units: list[tuple[str, str]], n: int, seed: int = 18) -> pd.DataFrame:
    """``n`` dossiers, each with 1-4 versions on distinct extract days, every field free to change."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        extract_days = sorted(rng.sample(range((END - START).days + 1), rng.randint(1, 4)))
        days = [START + dt.timedelta(days=d) for d in extract_days]
        unit, service = rng.choice(units)
        received = _day(rng, START - dt.timedelta(days=20), END)
        channel = rng.choice([1, 2, 3, 2])
        for k, valid_from in enumerate(days):
            if rng.random() < 0.3:  # a correction: another unit, channel or receipt day
                unit, service = rng.choice(units)
                channel = rng.choice([1, 2, 3])
                received = _day(rng, START - dt.timedelta(days=20), END)
            end_kind = rng.choice(["open", "open", "finished", "finished", "closed"])
            finished = _day(rng, received, END + dt.timedelta(days=5)) if end_kind == "finished" else None
            closed = _day(rng, received - dt.timedelta(days=3), END) if end_kind == "closed" else None
            due = None if rng.random() < 0.1 else received + dt.timedelta(days=rng.randint(0, 20))
            rows.append({
                "dossier_code": f"ORACLE-{i:04d}", "procedure_code": service, "unit_code": unit, "channel": channel,
                "status": 4, "received_at": None if rng.random() < 0.05 else _at(received),
                "due_at": _at(due, 17), "finished_at": _at(finished, 15), "returned_at": None, "closed_at": _at(closed),
                "apology_sent_at": None, "components_digitized": rng.choice([True, False, None]),
                "result_digitized": rng.choice([True, False]), "digitized_data_reused": rng.choice([True, False]),
                "fee_required": rng.choice([True, False, False]), "paid_online": None,
                "valid_from": valid_from, "valid_to": days[k + 1] if k + 1 < len(days) else None,
            })
    return pd.DataFrame(rows)


def random_payments(dossiers: pd.DataFrame, seed: int = 18) -> pd.DataFrame:
    rng = random.Random(seed)
    codes = sorted(set(dossiers["dossier_code"]))
    rows = []
    for n, code in enumerate(rng.sample(codes, len(codes) // 3)):
        paid = _day(rng, START, END + dt.timedelta(days=10))
        rows.append({"transaction_id": f"ORACLE-TX-{n:04d}", "dossier_code": code, "paid_at": _at(paid),
                     "paid_day": paid, "last_extract_date": END})
    return pd.DataFrame(rows)


def test_counts_from_signed_changes_equal_counting_every_dossier_in_every_period(copy_of_built):
    paths = copy_of_built
    with duckdb.connect(str(paths.warehouse)) as con:
        units = con.execute("""select distinct unit_code, procedure_code from intermediate.int_dossier_versions
                               order by all limit 40""").fetchall()
        histories = random_histories(units, 600)
        payments = random_payments(histories)
        con.register("histories", histories)
        con.register("payments", payments)
        con.execute("insert into intermediate.int_dossier_versions by name select * from histories")
        con.execute("insert into intermediate.int_payment_transactions by name select * from payments")
    run_dbt(paths, ["run", "--select", "int_dossier_state_changes+"], echo=lambda *_: None)

    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        columns = [c for c, *_ in con.execute("describe intermediate.int_unit_period_counts").fetchall()]
        assert _differences(con, UNIT_COUNTS, f"select {', '.join(columns)} from intermediate.int_unit_period_counts") == []
        new_columns = "period_id, unit_code, procedure_code, channel, dossiers, components_digitized, data_reused, " \
                      "with_fees, with_fees_paid_online"
        assert _differences(con, NEW_BY_SERVICE, f"""select {new_columns} from intermediate.int_new_dossiers_by_period
                                                     where dossiers <> 0""") == []
        # the random histories were counted, in more than one period and unit, with corrections among them
        oracle_rows, periods = con.execute(f"""
            with s as ({DOSSIERS_BY_PERIOD}) select count(*), count(distinct period_id)
            from s where dossier_code like 'ORACLE-%'""").fetchone()
        assert oracle_rows > 600 and periods >= 4
        assert con.execute("""select count(*) from intermediate.int_new_dossiers_by_period
                              where dossiers = 0 and (components_digitized <> 0 or with_fees <> 0)""").fetchone() == (0,)
