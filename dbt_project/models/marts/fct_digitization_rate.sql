-- Digitization (số hóa hồ sơ, kết quả giải quyết TTHC): dossiers resolved in the period
-- whose components and result were both digitized ÷ dossiers resolved in the period.
-- Beside it the three rates the service index scores: digitized dossiers (components
-- digitized ÷ received in the period), electronic results (result digitized ÷ resolved)
-- and reuse of digitized data (reused ÷ received in the period).
with unit_period_counts as (
    select * from {{ ref('int_unit_period_counts') }}
),

kpi as (
    with per_unit as (
        select period_id, unit_code, digitized_resolved, resolved_total as resolved_dossiers, received_dossiers,
            components_digitized, results_digitized, data_reused
        from unit_period_counts
    )

    {{ kpi_with_target('digitization', 'digitized_resolved', 'resolved_dossiers', 'select * from per_unit',
                       extra=['received_dossiers', 'components_digitized', 'results_digitized', 'data_reused']) }}
)

select *,
    {{ safe_ratio('components_digitized', 'received_dossiers') }} as digitized_dossier_rate,
    {{ safe_ratio('results_digitized', 'resolved_dossiers') }} as electronic_result_rate,
    {{ safe_ratio('data_reused', 'received_dossiers') }} as data_reuse_rate
from kpi
