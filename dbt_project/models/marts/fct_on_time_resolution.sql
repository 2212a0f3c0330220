-- On-time resolution (giải quyết đúng hạn): dossiers resolved in the period on or before
-- their due day ÷ all dossiers resolved in the period; beside it the resolved-overdue
-- rate (seed 000: 9.170 ÷ 242.311 = 3,78%) and the dossiers still open past their due day.
with dossier_processing as (
    select * from {{ ref('fct_dossier_processing') }}
),

kpi as (
    with per_unit as (
        select period_id, unit_code, resolved_on_time, resolved_total, resolved_overdue, pending_overdue, pending_total
        from dossier_processing
    )

    {{ kpi_with_target('on_time_resolution', 'resolved_on_time', 'resolved_total', 'select * from per_unit',
                       extra=['resolved_overdue', 'pending_overdue', 'pending_total']) }}
)

select *, {{ safe_ratio('resolved_overdue', 'resolved_total') }} as resolved_overdue_rate
from kpi
