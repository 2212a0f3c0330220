-- The service index per group (six groups, 100 points) and in total, per period and unit
-- (and province). points_scored adds the scored indicators; points_possible is what those
-- indicators could give; a group with an indicator we hold no data for says so in
-- missing_indicators instead of pretending it scored zero.
with service_index as (
    select * from {{ ref('fct_service_index') }}
),

groups as (
    select
        period_id, period_label, period_start, period_end, scope, scope_code, unit_code, unit_name, rule_version,
        group_code, group_name, max(group_max_points) as max_points,
        sum(points) as points_scored,
        sum(case when status = 'scored' then max_points else 0 end) as points_possible,
        {{ ordered_string_agg("case when status <> 'scored' then indicator || ' (' || status || ')' end", 'indicator') }}
            as missing_indicators
    from service_index
    group by period_id, period_label, period_start, period_end, scope, scope_code, unit_code, unit_name, rule_version,
        group_code, group_name
),

indexed as (
    select * from groups
    union all
    select
        period_id, period_label, period_start, period_end, scope, scope_code, unit_code, unit_name, rule_version,
        'total', 'Tổng điểm', sum(max_points), sum(points_scored), sum(points_possible),
        {{ ordered_string_agg('missing_indicators', 'group_code') }}
    from groups
    group by period_id, period_label, period_start, period_end, scope, scope_code, unit_code, unit_name, rule_version
)

-- the contract's types: sums widen differently in DuckDB and PostgreSQL
select
    period_id, period_label, period_start, period_end, scope, scope_code, unit_code, unit_name, rule_version,
    group_code, group_name,
    cast(max_points as {{ sql_type('double precision') }}) as max_points,
    cast(points_scored as decimal(18, 4)) as points_scored,
    cast(points_possible as {{ sql_type('double precision') }}) as points_possible,
    missing_indicators
from indexed
