-- The service catalogue as delivered, from current loads only.
with current_loads as (
    select load_id from {{ source('raw', 'load_manifest') }}
    where source = 'services' and status = 'current'
)

select
    s.service_code,
    s.service_name,
    s.field_code,
    s.tier,
    s.agency_code,
    cast(s.online_level as integer) as online_level,
    s.fee_required,
    s.interconnected,
    cast(s.processing_days as integer) as processing_days,
    s._extract_date as extract_date,
    s._load_id as load_id
from {{ source('raw', 'services') }} as s
inner join current_loads as l on s._load_id = l.load_id
