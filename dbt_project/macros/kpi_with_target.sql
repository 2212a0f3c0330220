{# The shared tail of every KPI mart: the rate (unrounded; 0 ÷ 0 is null), the target of
   the unit's tier valid at the period's end (seed kpi_targets), the verdict, and the
   change since the previous period of the same kind.
   `counts_sql` yields period_id, unit_code, <numerator>, <denominator>. #}
{% macro kpi_with_target(kpi, numerator, denominator, counts_sql) -%}
, counts as (
    {{ counts_sql }}
),

rated as (
    select
        c.period_id,
        p.period_label,
        p.period_kind,
        p.period_start,
        p.period_end,
        p.is_partial,
        c.unit_code,
        coalesce(h.unit_name, u.unit_name) as unit_name,  -- as the unit was named at the period's end
        u.tier,
        c.{{ numerator }},
        c.{{ denominator }},
        {{ safe_ratio('c.' ~ numerator, 'c.' ~ denominator) }} as rate
    from counts as c
    inner join {{ ref('dim_report_period') }} as p on p.period_id = c.period_id
    inner join {{ ref('dim_unit') }} as u on u.unit_code = c.unit_code
    left join {{ ref('dim_unit_history') }} as h
        on h.unit_code = c.unit_code and p.period_end between h.valid_from and h.valid_until
),

targeted as (
    select
        r.*,
        t.target_rate,
        lag(r.rate) over (partition by r.unit_code, r.period_kind order by r.period_start, r.period_end) as previous_rate
    from rated as r
    left join {{ ref('kpi_targets') }} as t
        on t.kpi = '{{ kpi }}'
        and (t.tier = r.tier or t.tier = 'all')
        and r.period_end between t.valid_from and t.valid_to
)

select
    period_id, period_label, period_kind, period_start, period_end, is_partial,
    unit_code, unit_name, tier,
    {{ numerator }}, {{ denominator }},
    rate,
    target_rate,
    case
        when rate is null or target_rate is null then null
        when rate >= target_rate then 'Đạt'
        else 'Không đạt'
    end as verdict,
    previous_rate,
    rate - previous_rate as change_since_previous
from targeted
{%- endmacro %}
