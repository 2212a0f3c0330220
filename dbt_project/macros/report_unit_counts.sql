{# Counts per period and unit, as the period's report has them: each unit's counts under
   the unit they count under in that period (dim_report_unit_of: itself, or its successor
   after the 2025 reform), summed, and a row for every unit of the report with zeros where
   it has none (the unit rows of dim_report_scope). `counts` is a relation or subquery with
   period_id, unit_code and the `columns`. A unit with no place in the period's report and
   no successor in it is left out (rpt_dossiers_outside_the_report lists it); a row for the
   period's province itself (a KPI that brings its own province row) is kept. #}
{% macro report_unit_counts(counts, columns) -%}
    select
        coalesce(x.period_id, r.period_id) as period_id,
        coalesce(x.unit_code, r.unit_code) as unit_code,
        {% for col in columns -%}
        coalesce(x.{{ col }}, 0) as {{ col }}{{ ',' if not loop.last }}
        {% endfor %}
    from (
        select c.period_id, coalesce(m.report_unit_code, c.unit_code) as unit_code,
            {% for col in columns -%}
            sum(c.{{ col }}) as {{ col }}{{ ',' if not loop.last }}
            {% endfor %}
        from {{ counts }} as c
        left join {{ ref('dim_report_unit_of') }} as m on m.period_id = c.period_id and m.unit_code = c.unit_code
        group by c.period_id, coalesce(m.report_unit_code, c.unit_code)
    ) as x
    full outer join (
        select period_id, unit_code from {{ ref('dim_report_scope') }} where scope = 'unit'
    ) as r
        on r.period_id = x.period_id and r.unit_code = x.unit_code
    left join (
        select distinct period_id, province_code from {{ ref('dim_report_scope') }}
    ) as p on p.period_id = x.period_id
    where r.unit_code is not null or x.unit_code = p.province_code
{%- endmacro %}
