-- What units reported about themselves, one row per loaded report table, detail row and
-- unit: received, online, resolved and overdue as the layout defines them. Rows whose
-- name did not resolve are left out here (they are listed in raw.unit_report_rows and in
-- the run's output); so are tables that give no start of their period.
with figures as (
    select * from {{ ref('base_unit_reports__figures') }}
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

per_row as (
    select
        report_id, sheet, row_number,
        max(case when measure = 'received' then value end) as received,
        max(case when measure = 'online' then value end) as online,
        max(case when measure = 'resolved' then value end) as resolved,
        max(case when measure = 'overdue' then value end) as overdue
    from figures
    group by report_id, sheet, row_number
)

select
    f.report_id,
    fl.file_name,
    f.sheet,
    t.layout,
    t.period_start,
    t.period_end,
    f.row_number,
    r.stt,
    r.unit_name as unit_name_printed,
    r.unit_code,
    r.scope,
    f.received,
    f.online,
    f.resolved,
    f.overdue
from per_row as f
inner join files as fl on fl.report_id = f.report_id and fl.is_loaded
inner join report_tables as t on t.report_id = f.report_id and t.sheet = f.sheet
inner join report_rows as r
    on r.report_id = f.report_id and r.sheet = f.sheet and r.row_number = f.row_number
where r.unit_code is not null and t.period_start is not null
