-- The one roll-up of units into the report's groups, per period: each unit of the period's
-- report adds to its section (before 01/07/2025: A provincial units, B district
-- committees, C communes; after: A provincial units, B communes and wards), a commune of a
-- district also to the communes of its district, and every one to the province of the
-- period (70, then 75). Every KPI mart and the processing report sum their unit rows
-- through this table, so their totals agree.
with units as (
    select * from {{ ref('dim_report_period_unit') }}
),

unit_history as (
    select * from {{ ref('dim_unit_history') }}
),

report_periods as (
    select * from {{ ref('dim_report_period') }}
),

districts as (
    select period_id, unit_code, unit_name from units where unit_kind = 'district'
),

provinces as (
    select h.unit_code, h.unit_name, h.valid_from, h.valid_until from unit_history as h
    where h.unit_kind = 'province'
)

select u.period_id, u.unit_code, 'section' as scope, u.section as scope_code,
    case
        when u.section = 'A' then 'Cấp tỉnh'
        when u.section = 'B' and u.unit_kind = 'district' then 'Cấp huyện'
        else 'Cấp xã'
    end as scope_name,
    case when u.section = 'A' then 'province' else u.tier end as tier
from units as u
union all
select u.period_id, u.unit_code, 'district_communes', u.district_code, 'Các xã thuộc ' || d.unit_name, 'commune'
from units as u
inner join districts as d on d.period_id = u.period_id and d.unit_code = u.district_code
where u.unit_kind = 'commune'
union all
select u.period_id, u.unit_code, 'province', u.province_code, pr.unit_name, 'province'
from units as u
inner join report_periods as p on p.period_id = u.period_id
inner join provinces as pr on pr.unit_code = u.province_code and p.as_of_day between pr.valid_from and pr.valid_until
