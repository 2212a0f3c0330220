-- The one roll-up of units into the report's groups: each unit with a report section adds
-- to its section (A provincial units, B district committees, C communes), a commune also
-- to the communes of its district, and every one to the province. Every KPI mart and the
-- processing report sum their unit rows through this table, so their totals agree.
with units as (
    select unit_code, unit_kind, section, district_code from {{ ref('dim_unit') }} where section is not null
)

select unit_code, 'section' as scope, section as scope_code from units
union all
select unit_code, 'district_communes', district_code from units where unit_kind = 'commune'
union all
select unit_code, 'province', '70' from units
