-- Reporting coverage per reporting period: for each GRIS form, how many of the communes
-- that must enter it did (seed 000, quarter I/2022: II.01b 75/111, II.05a 107/111,
-- II.06 111/111); for LRIS, per department, how many of its indicators it entered.
with submission_status as (
    select * from {{ ref('fct_report_submission_status') }}
)

select
    system,
    case system when 'GRIS' then 'form' else 'department' end as group_kind,
    case system when 'GRIS' then form_code else unit_code end as group_code,
    case system when 'GRIS' then max(form_name) else max(unit_name) end as group_name,
    frequency,
    period_start,
    period_end,
    period_label,
    max(due_date) as due_date,
    cast(count(*) as bigint) as required,
    cast(count(case when is_entered then 1 end) as bigint) as entered,
    cast(count(case when is_entered_on_time then 1 end) as bigint) as entered_on_time,
    {{ safe_ratio('count(case when is_entered then 1 end)', 'count(*)') }} as coverage_rate,
    count(case when is_entered then 1 end) || '/' || count(*) as coverage_label,
    bool_or(is_open) as is_open,
    bool_or(is_partial) as is_partial
from submission_status
group by system, group_kind, group_code, frequency, period_start, period_end, period_label
