{# The shared tail of every KPI mart.

   `counts_sql` yields period_id, unit_code, <numerator>, <denominator> and the `extra`
   columns, one row per unit. They are counted under the units of the period's report
   (macro report_unit_counts: a unit that ended counts under its successor), and every
   unit of the report gets its row, with zeros where counts_sql has none. With rollup (the
   default, for counts that add up), rows are added for each report section, for the
   communes of each district (before 2025) and for the province of the period (70, then
   75), through the one roll-up (dim_unit_rollup), summing numerator and denominator
   before dividing; every row takes its label, tier and period columns from
   dim_report_scope. Without rollup, counts_sql brings its own province row (unit_code =
   the period's province_code): a KPI whose counts do not add up across units.

   Every count is as of the period's as_of_day. Then: the rate (unrounded; 0 ÷ 0 is null), the target valid on the period's last day
   (seed kpi_targets; a row for the unit beats one for its tier, which beats 'all'), the
   verdict, and the change since the previous period of the same kind. #}
{% macro kpi_with_target(kpi, numerator, denominator, counts_sql, rollup=true, extra=[]) -%}
, counted_units as (
    {{ counts_sql }}
),

unit_counts as (
    {{ report_unit_counts('counted_units', [numerator, denominator] + extra) }}
),

counts as (
    select
        c.period_id,
        case when c.unit_code = p.province_code then 'province' else 'unit' end as scope,
        c.unit_code as scope_code,
        c.unit_code,
        cast(c.{{ numerator }} as bigint) as {{ numerator }},
        cast(c.{{ denominator }} as bigint) as {{ denominator }}
        {%- for col in extra %}, cast(c.{{ col }} as bigint) as {{ col }}{% endfor %}
    from unit_counts as c
    inner join (
        select distinct period_id, province_code from {{ ref('dim_report_scope') }}
    ) as p on p.period_id = c.period_id
    {% if rollup %}
    union all
    select c.period_id, g.scope, g.scope_code,
        case g.scope when 'province' then g.scope_code end,
        cast(sum(c.{{ numerator }}) as bigint), cast(sum(c.{{ denominator }}) as bigint)
        {%- for col in extra %}, cast(sum(c.{{ col }}) as bigint){% endfor %}
    from unit_counts as c
    inner join {{ ref('dim_unit_rollup') }} as g on g.period_id = c.period_id and g.unit_code = c.unit_code
    group by c.period_id, g.scope, g.scope_code
    {% endif %}
),

rated as (
    select
        c.period_id,
        p.period_label,
        p.period_kind,
        p.period_start,
        p.period_end,
        p.as_of_day,
        p.is_partial,
        c.scope,
        c.scope_code,
        c.unit_code,
        -- a unit as it was named on the as-of day; a group's name in the period
        l.unit_name,
        l.tier,
        c.{{ numerator }},
        c.{{ denominator }},
        {%- for col in extra %}
        c.{{ col }},
        {%- endfor %}
        {{ safe_ratio('c.' ~ numerator, 'c.' ~ denominator) }} as rate
    from counts as c
    inner join (
        select distinct period_id, period_label, period_kind, period_start, period_end, as_of_day, is_partial
        from {{ ref('dim_report_scope') }}
    ) as p on p.period_id = c.period_id
    left join {{ ref('dim_report_scope') }} as l
        on l.period_id = c.period_id and l.scope = c.scope and l.scope_code = c.scope_code
),

with_target as (
    -- the targets that apply to each row, the first ranked 1 (row_number: Spark has no distinct on)
    select r.*, t.target_rate, row_number() over (
        partition by r.period_id, r.scope, r.scope_code order by t.unit_code is null, (t.tier = 'all') nulls last
    ) as target_rank
    from rated as r
    left join {{ ref('kpi_targets') }} as t
        on t.kpi = '{{ kpi }}'
        and (t.unit_code = r.unit_code or (t.unit_code is null and (t.tier = r.tier or t.tier = 'all')))
        and r.period_end between t.valid_from and t.valid_to
),

targeted as (
    select *,
        lag(rate) over (partition by scope, scope_code, period_kind order by period_start, period_end) as previous_rate
    from with_target
    where target_rank = 1
)

select
    period_id, period_label, period_kind, period_start, period_end, as_of_day, is_partial,
    scope, scope_code, unit_code, unit_name, tier,
    {{ numerator }}, {{ denominator }},
    {%- for col in extra %}
    {{ col }},
    {%- endfor %}
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
