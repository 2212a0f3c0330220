-- One row per report entry (system, form or indicator, unit, period) per extract day,
-- from current loads only.
with submissions as (
    select * from {{ current_rows('base_portal__report_submissions', ['system', 'form_code', 'unit_code', 'period_start']) }} as current_row
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
    extract_date,
    load_id
from submissions
