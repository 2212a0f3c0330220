-- The rates the service index scores, one row per input, period and unit (or province),
-- taken from the marts so that each rate has one implementation: the KPIs from the
-- scorecard, the other rates from the columns of the mart that computes them.
{% set kpis = ['online_service_uptake', 'online_dossier_rate', 'online_payment_rate'] %}
{% set other_rates = [
    ('processing_progress', 'fct_on_time_resolution', 'resolved_on_time + pending_total - pending_overdue', 'resolved_total + pending_total'),
    ('online_service_share', 'fct_online_service_uptake', 'online_services', 'services_provided'),
    ('electronic_result_rate', 'fct_digitization_rate', 'results_digitized', 'resolved_dossiers'),
    ('digitized_dossier_rate', 'fct_digitization_rate', 'components_digitized', 'received_dossiers'),
    ('data_reuse_rate', 'fct_digitization_rate', 'data_reused', 'received_dossiers'),
] %}
{% set rate_models = other_rates | map(attribute=1) | unique | list %}

with kpi_scorecard as (
    select * from {{ ref('fct_kpi_scorecard') }}
),
{% for model in rate_models %}
{{ model | replace('fct_', '') }} as (
    select * from {{ ref(model) }}
){{ ',' if not loop.last }}
{% endfor %}

select kpi as input, period_id, scope, scope_code, unit_code, numerator, denominator
from kpi_scorecard
where scope in ('unit', 'province') and kpi in ('{{ kpis | join("', '") }}')
{% for input, model, numerator, denominator in other_rates %}
union all
select '{{ input }}', period_id, scope, scope_code, unit_code,
    cast({{ numerator }} as bigint), cast({{ denominator }} as bigint)
from {{ model | replace('fct_', '') }}
where scope in ('unit', 'province')
{% endfor %}
