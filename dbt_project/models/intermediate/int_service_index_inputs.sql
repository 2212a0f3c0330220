-- The rates the service index scores, one row per input, period and unit (or province),
-- taken from the KPI marts so that each rate has one implementation.
{% set inputs = [
    ('processing_progress', 'fct_on_time_resolution', 'resolved_on_time + pending_total - pending_overdue', 'resolved_total + pending_total'),
    ('online_service_share', 'fct_online_service_uptake', 'online_services', 'services_provided'),
    ('online_service_uptake', 'fct_online_service_uptake', 'services_with_online_dossiers', 'online_services'),
    ('online_dossier_rate', 'fct_online_dossier_rate', 'online_dossiers', 'total_dossiers'),
    ('online_payment_rate', 'fct_online_payment_rate', 'dossiers_paid_online', 'dossiers_with_fees'),
    ('electronic_result_rate', 'fct_digitization_rate', 'results_digitized', 'resolved_dossiers'),
    ('digitized_dossier_rate', 'fct_digitization_rate', 'components_digitized', 'received_dossiers'),
    ('data_reuse_rate', 'fct_digitization_rate', 'data_reused', 'received_dossiers'),
] %}
{% for input, model, numerator, denominator in inputs %}
select '{{ input }}' as input, period_id, scope, scope_code, unit_code,
    cast({{ numerator }} as bigint) as numerator, cast({{ denominator }} as bigint) as denominator
from {{ ref(model) }}
where scope in ('unit', 'province')
{% if not loop.last %}union all{% endif %}
{% endfor %}
