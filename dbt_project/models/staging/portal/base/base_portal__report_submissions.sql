-- Every delivered GRIS/LRIS entry row (every load), renamed.
with source as (
    select * from {{ source('portal', 'report_submissions') }}
)

select
    system,
    form_code,
    unit_code,
    period_start,
    period_end,
    status,
    submitted_at,
    updated_at,
    _extract_date as extract_date,
    _load_id as load_id,
    _row_number as file_row_number
from source
