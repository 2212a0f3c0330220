-- The tables of each workbook: the layout each matched and the period it reports.
with source as (
    select * from {{ source('unit_reports', 'unit_report_tables') }}
)

select
    report_id,
    sheet,
    layout,
    period_start,
    period_end,
    row_count,
    unresolved
from source
