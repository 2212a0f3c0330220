-- Every row a KPI mart can have in a period, with what it prints: each unit of the
-- period's report (its name on the as-of day, kind and tier) and each group of the one
-- roll-up (a section, the communes of a district, the province), beside the period's own
-- columns. The KPI marts take their labels, their list of units and the period's province
-- from here (macros kpi_with_target and report_unit_counts), so that each reads one
-- dimension for all of it.
with periods as (
    select * from {{ ref('dim_report_period') }}
),

report_units as (
    select * from {{ ref('dim_report_period_unit') }}
),

unit_rollup as (
    select * from {{ ref('dim_unit_rollup') }}
),

rollup_groups as (
    select distinct period_id, scope, scope_code, scope_name, tier from unit_rollup
),

scopes as (
    select period_id, 'unit' as scope, unit_code as scope_code, unit_code, unit_name, unit_kind, tier
    from report_units
    union all
    select period_id, scope, scope_code, case scope when 'province' then scope_code end, scope_name, null, tier
    from rollup_groups
)

select
    s.period_id,
    p.period_label,
    p.period_kind,
    p.period_start,
    p.period_end,
    p.as_of_day,
    p.is_partial,
    p.province_code,
    s.scope,
    s.scope_code,
    s.unit_code,
    s.unit_name,
    s.unit_kind,
    s.tier
from scopes as s
inner join periods as p on p.period_id = s.period_id
