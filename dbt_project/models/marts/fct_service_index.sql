-- The national service index (Decision 766/QĐ-TTg) per indicator, period and unit (and
-- province), scored by the rules valid on the period's last day (seed
-- service_index_rules: the office corrects a rule there, not in code). A `linear` rule
-- gives max_points × min(1, rate ÷ threshold). An indicator whose data we do not hold
-- (publicity, satisfaction, ...) has status no_data and no points: never an invented number.
with report_periods as (
    select * from {{ ref('dim_report_period') }}
),

index_rules as (
    select * from {{ ref('service_index_rules') }}
),

index_inputs as (
    select * from {{ ref('fct_service_index_inputs') }}
),

units as (
    select * from {{ ref('dim_unit') }}
),

unit_history as (
    select * from {{ ref('dim_unit_history') }}
),

periods as (
    select period_id, period_end from report_periods
),

rules as (
    select p.period_id, r.*
    from index_rules as r
    inner join periods as p on p.period_end between r.valid_from and coalesce(r.valid_to, p.period_end)
),

subjects as (
    select distinct period_id, scope, scope_code, unit_code from index_inputs
),

scored as (
    select
        s.period_id, s.scope, s.scope_code, s.unit_code,
        r.rule_version, r.group_code, r.group_name, r.group_max_points, r.indicator, r.indicator_name,
        r.scoring, r.max_points, r.threshold,
        i.numerator, i.denominator,
        {{ safe_ratio('i.numerator', 'i.denominator') }} as rate
    from subjects as s
    inner join rules as r on r.period_id = s.period_id
    left join index_inputs as i
        on i.input = r.input and i.period_id = s.period_id and i.scope = s.scope and i.scope_code = s.scope_code
)

select
    s.period_id, p.period_label, p.period_start, p.period_end,
    s.scope, s.scope_code, s.unit_code,
    coalesce(h.unit_name, u.unit_name) as unit_name,
    s.rule_version, s.group_code, s.group_name, s.group_max_points, s.indicator, s.indicator_name,
    s.max_points, s.threshold, s.numerator, s.denominator, s.rate,
    case
        when s.scoring = 'no_data' then 'no_data'
        when s.rate is null then 'no_dossiers'
        else 'scored'
    end as status,
    -- exact decimals, so that sums of points do not depend on the order of addition
    case when s.scoring = 'linear' and s.rate is not null
        then cast(round(cast(s.max_points * least(1.0, s.rate / s.threshold) as decimal(18, 8)), 4) as decimal(9, 4))
    end as points
from scored as s
inner join report_periods as p on p.period_id = s.period_id
left join units as u on u.unit_code = s.unit_code
left join unit_history as h
    on h.unit_code = s.unit_code and p.period_end between h.valid_from and h.valid_until
