-- Every row of every table, with the unit its name resolved to (null when it did not).
with source as (
    select * from {{ source('unit_reports', 'unit_report_rows') }}
)

select
    report_id,
    sheet,
    row_number,
    row_kind,
    section,
    stt,
    unit_name,
    unit_code,
    scope,
    resolution
from source
