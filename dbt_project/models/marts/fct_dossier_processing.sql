-- The processing figures (form II.06a) per report period and unit. See
-- int_unit_period_counts for what each count means. The counts are under the units
-- of the period's report (a commune that ended on 30/06/2025 counts under its successor
-- from then on), and every unit of the report has its row, with zeros where nothing
-- happened (macro report_unit_counts).
{% set measures = [
    'received_total', 'received_new_online', 'received_carried_over', 'received_new_offline',
    'resolved_total', 'resolved_on_time', 'resolved_overdue',
    'pending_total', 'pending_not_due', 'pending_overdue', 'closed_otherwise',
] %}

with unit_period_counts as (
    select * from {{ ref('int_unit_period_counts') }}
),

in_report as (
    {{ report_unit_counts('unit_period_counts', measures) }}
)

select
    period_id,
    unit_code,
    {% for name in measures -%}
    cast({{ name }} as bigint) as {{ name }}{{ ',' if not loop.last }}
    {% endfor %}
from in_report
