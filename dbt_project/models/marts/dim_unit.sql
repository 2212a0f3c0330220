-- Units with their district and report section, from the unit seed.
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
    u.valid_to
from {{ ref('units') }} as u
left join {{ ref('units') }} as d
    on d.unit_code = u.district_code and d.unit_kind = 'district'
