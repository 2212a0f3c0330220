-- The processing figures (form II.06a) per report period and unit. See
-- int_dossier_state_by_period for what each count means. The counts are under the units
-- of the period's report (a commune that ended on 30/06/2025 counts under its successor
-- from then on), and every unit of the report has its row, with zeros where nothing
-- happened (macro report_unit_counts).
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

with dossier_states as (
    select * from {{ ref('int_dossier_state_by_period') }}
),

counted as (
    select
        s.period_id,
        s.unit_code,
        {% for name, flag in measures -%}
        sum(case when {{ flag }} then 1 else 0 end) as {{ name }}{{ ',' if not loop.last }}
        {% endfor %}
    from dossier_states as s
    group by s.period_id, s.unit_code
),

in_report as (
    {{ report_unit_counts('counted', measures | map('first') | list) }}
)

select
    period_id,
    unit_code,
    {% for name, _ in measures -%}
    cast({{ name }} as bigint) as {{ name }}{{ ',' if not loop.last }}
    {% endfor %}
from in_report
