-- Digitization (số hóa hồ sơ, kết quả giải quyết TTHC): dossiers resolved in the period
-- whose components and result were both digitized ÷ dossiers resolved in the period.
-- Beside it the three rates the service index scores: digitized dossiers (components
-- digitized ÷ received in the period), electronic results (result digitized ÷ resolved)
-- and reuse of digitized data (reused ÷ received in the period).
with dossier_states as (
    select * from {{ ref('int_dossier_state_by_period') }}
),

kpi as (
    with per_unit as (
        select period_id, unit_code,
            count(case when is_resolved and components_digitized and result_digitized then 1 end) as digitized_resolved,
            count(case when is_resolved then 1 end) as resolved_dossiers,
            count(case when is_new_online or is_new_offline then 1 end) as received_dossiers,
            count(case when (is_new_online or is_new_offline) and components_digitized then 1 end) as components_digitized,
            count(case when is_resolved and result_digitized then 1 end) as results_digitized,
            count(case when (is_new_online or is_new_offline) and digitized_data_reused then 1 end) as data_reused
        from dossier_states
        group by period_id, unit_code
    )

    {{ kpi_with_target('digitization', 'digitized_resolved', 'resolved_dossiers', 'select * from per_unit',
                       extra=['received_dossiers', 'components_digitized', 'results_digitized', 'data_reused']) }}
)

select *,
    {{ safe_ratio('components_digitized', 'received_dossiers') }} as digitized_dossier_rate,
    {{ safe_ratio('results_digitized', 'resolved_dossiers') }} as electronic_result_rate,
    {{ safe_ratio('data_reused', 'received_dossiers') }} as data_reuse_rate
from kpi
