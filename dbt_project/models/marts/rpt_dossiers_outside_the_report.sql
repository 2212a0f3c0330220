-- Dossiers that a period's report cannot count: their unit is not in force on the period's
-- as-of day and no successor of it is known for certain (for example a department of Bình
-- Phước whose place in today's Đồng Nai is not verified, decision 0013). They are never
-- counted under a unit that no longer exists: each such unit is listed here, per period,
-- with its last day, its successor where the register names one, and why not.
with outside as (
    select s.period_id, s.unit_code, count(*) as dossiers
    from {{ ref('int_dossier_state_by_period') }} as s
    where not exists (
        select 1 from {{ ref('dim_report_unit_of') }} as m
        where m.period_id = s.period_id and m.unit_code = s.unit_code)
    group by s.period_id, s.unit_code
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
inner join {{ ref('dim_report_period') }} as p on p.period_id = o.period_id
left join {{ ref('dim_unit') }} as u on u.unit_code = o.unit_code
left join {{ ref('unit_crosswalk_2025') }} as w on w.old_code = o.unit_code
