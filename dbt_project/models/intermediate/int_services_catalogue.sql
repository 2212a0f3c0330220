-- The catalogue of the latest delivery. (History of levels comes with the catalogue's
-- own snapshot; until then a period is measured against the latest catalogue.)
with latest as (
    select max(extract_date) as extract_date from {{ ref('stg_portal__services') }}
)

select s.service_code, s.service_name, s.field_code, s.tier, s.agency_code,
       s.online_level, s.fee_required, s.interconnected, s.processing_days
from {{ ref('stg_portal__services') }} as s
inner join latest on s.extract_date = latest.extract_date
