-- Per unit and calendar day: the dossiers pending at the end of that day as then known
-- (received by it, neither finished nor closed otherwise), and those of them already
-- overdue (due before that day: on 14/03 a dossier due on 15/03 is not yet overdue).
-- Running sums of int_dossier_state_changes, so its size is units x days, whatever the
-- number of dossiers; a period reads the row of its as-of day.
with state_changes as (
    select * from {{ ref('int_dossier_state_changes') }}
),

calendar_days as (
    select * from {{ ref('int_calendar_days') }}
),

pending_changes as (
    select * from state_changes where end_day is null
),

-- a pending version adds to the overdue from the day after its due day, or from the day
-- it is counted if that is later
daily_changes as (
    select unit_code, day, sum(pending) as pending, sum(overdue) as overdue
    from (
        select unit_code, change_day as day, dossiers as pending, 0 as overdue
        from pending_changes
        union all
        select unit_code, greatest(change_day, cast({{ dbt.dateadd('day', 1, 'due_day') }} as date)), 0, dossiers
        from pending_changes
        where due_day is not null
    ) as changes
    group by unit_code, day
),

units as (
    select distinct unit_code from daily_changes
),

-- every unit on every calendar day, and on the days of its changes (those before the
-- calendar's first day count in its running sums too)
unit_days as (
    select u.unit_code, c.date_day as day from units as u cross join calendar_days as c
    union
    select unit_code, day from daily_changes
),

running as (
    select
        g.unit_code,
        g.day,
        sum(coalesce(d.pending, 0)) over (
            partition by g.unit_code order by g.day rows between unbounded preceding and current row) as pending,
        sum(coalesce(d.overdue, 0)) over (
            partition by g.unit_code order by g.day rows between unbounded preceding and current row) as overdue
    from unit_days as g
    left join daily_changes as d on d.unit_code = g.unit_code and d.day = g.day
)

select
    r.unit_code,
    c.date_day,
    cast(r.pending as bigint) as pending_dossiers,
    cast(r.overdue as bigint) as pending_overdue_dossiers
from running as r
inner join calendar_days as c on c.date_day = r.day
