-- Every delivered service-catalogue row (every load), renamed and cast. A row grades the
-- service on the old scale (online_level 1–4) or the new one (online_scope full / partial);
-- is_online_service and is_fully_online read both the same way.
with source as (
    select * from {{ source('portal', 'services') }}
)

select
    service_code,
    service_name,
    field_code,
    tier,
    agency_code,
    cast(online_level as integer) as online_level,
    online_scope,
    coalesce(online_level >= 3, false) or online_scope is not null as is_online_service,
    coalesce(online_level = 4, false) or coalesce(online_scope = 'full', false) as is_fully_online,
    fee_required,
    interconnected,
    cast(processing_days as integer) as processing_days,
    _extract_date as extract_date,
    _load_id as load_id,
    _row_number as file_row_number
from source
