-- Per report period and unit, the dossiers pending on the period's as-of day (received
-- by it, neither finished nor closed otherwise, as then known) and those of them past their
-- due day: the as-of day's row of int_unit_daily_open_dossiers.
with report_periods as (
    select * from {{ ref('int_report_periods') }}
),

daily_open as (
    select * from {{ ref('int_unit_daily_open_dossiers') }}
)

select
    p.period_id,
    o.unit_code,
    o.pending_dossiers as pending,
    o.pending_overdue_dossiers as pending_overdue
from report_periods as p
inner join daily_open as o on o.date_day = p.as_of_day
