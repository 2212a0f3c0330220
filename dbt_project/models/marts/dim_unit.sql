-- Units with their district and report section as the 2022 reports lay them out (seed
-- units), and the unit each one is part of today: itself while it exists, else its
-- successor from the 2025 crosswalk (null when it has none, e.g. a district).
with unit_register as (
    select * from {{ ref('units') }}
),

unit_history as (
    select * from {{ ref('dim_unit_history') }}
),

crosswalk as (
    select * from {{ ref('unit_crosswalk_2025') }}
),

current_versions as (
    select unit_code, unit_name from unit_history where is_current
),

successors as (
    select old_code, new_code from crosswalk
),

units as (
    select
        u.*,
        case when u.valid_to is null then u.unit_code else s.new_code end as current_unit_code
    from unit_register as u
    left join successors as s on s.old_code = u.unit_code
)

select
    u.unit_code,
    u.unit_name,
    u.unit_kind,
    u.tier,
    u.district_code,
    d.unit_name as district_name,
    u.parent_code,
    u.section,
    case u.section
        when 'A' then 'Cấp tỉnh'
        when 'B' then 'Cấp huyện'
        when 'C' then 'Cấp xã'
    end as section_name,
    u.report_order,
    u.valid_from,
    u.valid_to,
    u.current_unit_code,
    c.unit_name as current_unit_name
from units as u
left join unit_register as d
    on d.unit_code = u.district_code and d.unit_kind = 'district'
left join current_versions as c on c.unit_code = u.current_unit_code
