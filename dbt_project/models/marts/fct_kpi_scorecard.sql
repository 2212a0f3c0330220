-- Every KPI in one long table, one row per KPI, period and unit (or section, communes of
-- a district, province): the shape the KPI report and the dashboard read.
{% set kpis = [
    ('online_service_uptake', 'fct_online_service_uptake', 'services_with_online_dossiers', 'online_services'),
    ('online_dossier_rate', 'fct_online_dossier_rate', 'online_dossiers', 'total_dossiers'),
    ('digitization', 'fct_digitization_rate', 'digitized_resolved', 'resolved_dossiers'),
    ('online_reporting', 'fct_online_reporting_rate', 'entries_made', 'entries_due'),
    ('on_time_resolution', 'fct_on_time_resolution', 'resolved_on_time', 'resolved_total'),
    ('online_payment_rate', 'fct_online_payment_rate', 'dossiers_paid_online', 'dossiers_with_fees'),
] %}

with
{%- for kpi, model, numerator, denominator in kpis %}
{{ model | replace('fct_', '') }} as (
    select * from {{ ref(model) }}
){{ ',' if not loop.last }}
{% endfor %}

{% for kpi, model, numerator, denominator in kpis -%}
select
    '{{ kpi }}' as kpi,
    period_id, period_label, period_kind, period_start, period_end, as_of_day, is_partial,
    scope, scope_code, unit_code, unit_name, tier,
    {{ numerator }} as numerator,
    {{ denominator }} as denominator,
    rate, target_rate, verdict, previous_rate, change_since_previous
from {{ model | replace('fct_', '') }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
