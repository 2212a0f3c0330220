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
    spans_reorganisation,
    -- periods with the same days (a named period may be a calendar quarter): the one a unit
    -- report of those days is matched to - the named one, then a unit report's own, then calendar
    row_number() over (
        partition by period_start, period_end
        order by case period_kind when 'named' then 0 when 'unit_report' then 1 else 2 end, period_id
    ) = 1 as is_preferred_for_its_days
from report_periods
