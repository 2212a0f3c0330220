-- Dossiers that a period's report cannot count: their unit is not in force on the period's
-- as-of day and no successor of it is known for certain (for example a department of Bình
-- Phước whose place in today's Đồng Nai is not verified, decision 0013). They are never
-- counted under a unit that no longer exists: each such unit is listed here, per period,
-- with its last day, its successor where the register names one, and why not.
with unit_period_counts as (
    select * from {{ ref('int_unit_period_counts') }}
),

report_unit_of as (
    select * from {{ ref('dim_report_unit_of') }}
),

report_periods as (
    select * from {{ ref('dim_report_period') }}
),

units as (
    select * from {{ ref('dim_unit') }}
),

crosswalk as (
    select * from {{ ref('unit_crosswalk_2025') }}
),

outside as (
    select c.period_id, c.unit_code, c.received_total as dossiers
    from unit_period_counts as c
    where not exists (
        select 1 from report_unit_of as m
        where m.period_id = c.period_id and m.unit_code = c.unit_code)
)

select
    o.period_id,
    p.period_label,
    p.as_of_day,
    o.unit_code,
    u.unit_name,
    u.valid_to as unit_last_day,
    nullif(w.new_code, '') as successor_code,
    w.new_name as successor_name,
    coalesce(w.basis, 'the register names no successor') as basis,
    cast(o.dossiers as bigint) as dossiers
from outside as o
inner join report_periods as p on p.period_id = o.period_id
left join units as u on u.unit_code = o.unit_code
left join crosswalk as w on w.old_code = o.unit_code
