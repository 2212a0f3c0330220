-- The service catalogue as delivered, from current loads only: one row per service, tier
-- and extract day (a repeat within a delivery keeps its last row).
with services as (
    select * from {{ current_rows('base_portal__services', ['service_code', 'tier'], order_by='r.file_row_number desc') }} as current_row
)

select
    service_code,
    service_name,
    field_code,
    tier,
    agency_code,
    online_level,
    online_scope,
    is_online_service,
    is_fully_online,
    fee_required,
    interconnected,
    processing_days,
    extract_date,
    load_id
from services
