-- The units every unit-level mart has a row for in a period, with their place in the
-- report: each unit of the register with a report section in the version in force on the
-- period's as-of day, whether or not it received a dossier (zero counts, a null rate).
-- A period before 01/07/2025 reports Bình Phước's units in the 2022 layout; a period whose
-- as-of day is later reports today's Đồng Nai in two tiers (docs/decisions/0014).
with report_periods as (
    select * from {{ ref('dim_report_period') }}
),

unit_history as (
    select * from {{ ref('dim_unit_history') }}
),

units as (
    select * from {{ ref('dim_unit') }}
)

select
    p.period_id,
    h.unit_code,
    h.unit_name,
    h.unit_kind,
    u.tier,
    h.section,
    h.report_order,
    h.district_code,
    h.province_code
from report_periods as p
inner join unit_history as h
    on p.as_of_day between h.valid_from and h.valid_until
inner join units as u on u.unit_code = h.unit_code
where h.section is not null
