-- The calendar, one row per day from the first dossier received (or the first extract) to
-- the last extract (built in int_calendar_days, which the report periods read too).
with calendar_days as (
    select * from {{ ref('int_calendar_days') }}
)

select
    date_day,
    cast(year as integer) as year,
    cast(quarter as integer) as quarter,
    cast(month as integer) as month,
    cast(day_of_month as integer) as day_of_month,
    cast(iso_day_of_week as integer) as iso_day_of_week,
    month_start,
    quarter_start,
    year_start
from calendar_days
