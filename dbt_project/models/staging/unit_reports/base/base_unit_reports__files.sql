-- One row per unit-report workbook seen, with its status.
with source as (
    select * from {{ source('unit_reports', 'unit_report_files') }}
)

select
    report_id,
    file_name,
    status,
    status = 'loaded' as is_loaded,
    received_at
from source
