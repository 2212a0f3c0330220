-- What a KPI table (layout kpi_table: the monthly table of the Department of Information
-- and Communications) says per unit and KPI: the rate, the change since the previous
-- report and the verdict, as fractions and text, with the Excel column each is in. Rows
-- whose name did not resolve are left out (raw.unit_report_rows and the run list them).
with report_values as (
    select * from {{ ref('base_unit_reports__values') }}
),

files as (
    select * from {{ ref('base_unit_reports__files') }}
),

report_tables as (
    select * from {{ ref('base_unit_reports__tables') }}
),

report_rows as (
    select * from {{ ref('base_unit_reports__rows') }}
),

cells as (
    select
        v.report_id, v.sheet, v.row_number,
        -- the layout names a group's columns <kpi>_rate, <kpi>_change, <kpi>_verdict
        left(v.column_name, length(v.column_name) - length(p.part) - 1) as kpi,
        p.part,
        v.excel_column, v.value_number, v.value_text
    from report_values as v
    inner join report_tables as t on t.report_id = v.report_id and t.sheet = v.sheet
    inner join (select 'rate' as part union all select 'change' union all select 'verdict') as p
        on right(v.column_name, length(p.part) + 1) = '_' || p.part
    where t.layout = 'kpi_table'
)

select
    c.report_id,
    f.file_name,
    c.sheet,
    t.period_start,
    t.period_end,
    c.row_number,
    r.unit_name as unit_name_printed,
    r.unit_code,
    c.kpi,
    -- printed in percent ("21,62%", "Tăng 3,7%"): as fractions, like the marts' rates
    cast(max(case when c.part = 'rate' then c.value_number end) / 100 as {{ sql_type('double precision') }}) as reported_rate,
    max(case when c.part = 'rate' then c.excel_column end) as rate_column,
    cast(max(case when c.part = 'change' then c.value_number end) / 100 as {{ sql_type('double precision') }}) as reported_change,
    max(case when c.part = 'change' then c.excel_column end) as change_column,
    max(case when c.part = 'verdict' then c.value_text end) as reported_verdict,
    max(case when c.part = 'verdict' then c.excel_column end) as verdict_column
from cells as c
inner join files as f on f.report_id = c.report_id and f.is_loaded
inner join report_tables as t on t.report_id = c.report_id and t.sheet = c.sheet
inner join report_rows as r
    on r.report_id = c.report_id and r.sheet = c.sheet and r.row_number = c.row_number
where r.row_kind = 'detail' and r.unit_code is not null and r.scope = 'self'
group by c.report_id, f.file_name, c.sheet, t.period_start, t.period_end, c.row_number, r.unit_name, r.unit_code, c.kpi
