-- The processing figures (form II.06a) per report period and unit. See
-- int_dossier_state_by_period for what each count means. Every unit in force in the
-- period has its row (dim_report_period_unit), with zeros where nothing happened.
{% set measures = [
    ('received_total', 'true'),
    ('received_new_online', 's.is_new_online'),
    ('received_carried_over', 's.is_carried_over'),
    ('received_new_offline', 's.is_new_offline'),
    ('resolved_total', 's.is_resolved'),
    ('resolved_on_time', 's.is_resolved_on_time'),
    ('resolved_overdue', 's.is_resolved_overdue'),
    ('pending_total', 's.is_pending'),
    ('pending_not_due', 's.is_pending_not_due'),
    ('pending_overdue', 's.is_pending_overdue'),
    ('closed_otherwise', 's.is_closed_otherwise'),
] %}

with counted as (
    select
        s.period_id,
        s.unit_code,
        {% for name, flag in measures -%}
        sum(case when {{ flag }} then 1 else 0 end) as {{ name }}{{ ',' if not loop.last }}
        {% endfor %}
    from {{ ref('int_dossier_state_by_period') }} as s
    group by s.period_id, s.unit_code
),

units_in_force as (
    select period_id, unit_code from {{ ref('dim_report_period_unit') }}
)

select
    coalesce(c.period_id, u.period_id) as period_id,
    coalesce(c.unit_code, u.unit_code) as unit_code,
    {% for name, _ in measures -%}
    cast(coalesce(c.{{ name }}, 0) as bigint) as {{ name }}{{ ',' if not loop.last }}
    {% endfor %}
from counted as c
full outer join units_in_force as u on u.period_id = c.period_id and u.unit_code = c.unit_code
