-- Every parsed cell of every detail, section and total row.
with source as (
    select * from {{ source('unit_reports', 'unit_report_values') }}
)

select
    report_id,
    sheet,
    row_number,
    column_name,
    excel_column,
    value_number,
    value_text
from source
