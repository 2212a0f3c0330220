-- The periods every report mart is computed for, with their as-of day (built in
-- int_report_periods, which the dossier states read too; docs/kpis.md).
with report_periods as (
    select * from {{ ref('int_report_periods') }}
)

select
    period_id,
    period_label,
    period_kind,
    period_start,
    period_end,
    as_of_day,
    is_partial,
    province_code,
    spans_reorganisation
from report_periods
