-- The KPI tables units receive (layout kpi_table), checked: per table row and KPI, the
-- printed verdict against the printed rate and the target in force for the period (the
-- marts' targets: kpi_targets through fct_kpi_scorecard), the printed change against the
-- unit's previous KPI table the platform holds, and the printed rate against the portal's.
-- A check that cannot be made (no target for the period, no previous table, nothing
-- printed, a rate within rounding of its target) is null, not a failure.
with reported as (
    select * from {{ ref('stg_unit_reports__kpi_table') }}
    where period_start is not null
),

report_periods as (
    select * from {{ ref('dim_report_period') }}
),

kpi_scorecard as (
    select * from {{ ref('fct_kpi_scorecard') }}
),

periods as (
    select period_id, period_label, period_start, period_end
    from report_periods
    where is_preferred_for_its_days
),

with_previous as (
    select r.*,
        lag(r.reported_rate) over by_unit as previous_rate,
        lag(r.period_end) over by_unit as previous_period_end
    from reported as r
    window by_unit as (partition by r.unit_code, r.kpi order by r.period_end, r.period_start, r.report_id)
),

checked as (
    select
        r.*,
        p.period_id,
        p.period_label,
        s.rate as portal_rate,
        s.target_rate,
        -- the printed rate is rounded: within 0,05 point of the target either verdict stands
        case
            when s.target_rate is null or r.reported_rate is null then null
            when abs(r.reported_rate - s.target_rate) < 0.0005 then null
            when r.reported_rate >= s.target_rate then 'Đạt'
            else 'Không đạt'
        end as expected_verdict,
        r.reported_rate - r.previous_rate as expected_change
    from with_previous as r
    left join periods as p on p.period_start = r.period_start and p.period_end = r.period_end
    left join kpi_scorecard as s
        on s.period_id = p.period_id and s.scope = 'unit' and s.unit_code = r.unit_code and s.kpi = r.kpi
)

select
    report_id,
    file_name,
    sheet,
    row_number,
    period_id,
    period_label,
    period_start,
    period_end,
    unit_name_printed,
    unit_code,
    kpi,
    reported_rate,
    rate_column,
    reported_verdict,
    verdict_column,
    target_rate,
    expected_verdict,
    case when reported_verdict is null or expected_verdict is null then null
         else reported_verdict = expected_verdict end as verdict_holds,
    reported_change,
    change_column,
    previous_period_end,
    expected_change,
    -- a change printed to 0,1 point from rates printed to 0,01 point: within 0,06 point
    case when reported_change is null or expected_change is null then null
         else abs(reported_change - expected_change) <= 0.0006 end as change_holds,
    portal_rate,
    reported_rate - portal_rate as rate_gap
from checked
