-- Online reporting (tỷ lệ báo cáo thực hiện trực tuyến): report entries due in the report
-- period up to its as-of day that the unit entered online by that day ÷ those entries
-- (GRIS forms for communes, LRIS indicators for departments): in a period in progress an
-- entry not yet due is not yet missed. Every unit with obligations has a row in every
-- period; with nothing due, its rate is null (0 ÷ 0).
with submission_status as (
    select * from {{ ref('fct_report_submission_status') }}
),

report_scope as (
    select * from {{ ref('dim_report_scope') }}
),

obligated as (
    select distinct unit_code from submission_status
),

per_unit as (
    select p.period_id, o.unit_code,
        count(case when s.is_entered and cast(s.submitted_at as date) <= p.as_of_day then 1 end) as entries_made,
        count(s.unit_code) as entries_due
    from (
        select distinct period_id, period_start, as_of_day from report_scope
    ) as p
    cross join obligated as o
    left join submission_status as s
        on s.unit_code = o.unit_code and s.due_date between p.period_start and p.as_of_day
    group by p.period_id, o.unit_code
)

{{ kpi_with_target('online_reporting', 'entries_made', 'entries_due', 'select * from per_unit') }}
