-- Every version of every unit (unit_history): its name, type, parent and place in the
-- reports of its time from valid_from to valid_to. Join on unit_code with the day a figure speaks of between valid_from and
-- valid_until to name a unit as it was then.
with unit_history as (
    select * from {{ ref('unit_history') }}
),

units as (
    select * from {{ ref('units') }}
)

select
    h.unit_code,
    h.valid_from,
    h.valid_to,
    coalesce(h.valid_to, cast('9999-12-31' as date)) as valid_until,
    h.valid_to is null as is_current,
    h.unit_name,
    h.unit_type,
    h.unit_kind,
    h.section,
    h.report_order,
    h.parent_code,
    h.district_code,
    h.province_code
from unit_history as h
inner join units as u on u.unit_code = h.unit_code
