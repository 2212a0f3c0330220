-- Per detail row, the figures its layout reconciles with the portal, one row per measure.
with source as (
    select * from {{ source('unit_reports', 'unit_report_figures') }}
)

select
    report_id,
    sheet,
    row_number,
    measure,
    value
from source
