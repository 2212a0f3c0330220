-- One row per report entry (system, form or indicator, unit, period) per extract day,
-- from current loads only.
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
    _load_id as load_id
from {{ current_rows('report_submissions', ['system', 'form_code', 'unit_code', 'period_start']) }} as current_row
