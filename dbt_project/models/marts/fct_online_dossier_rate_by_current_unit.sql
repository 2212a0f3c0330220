-- The online dossier rate by today's units: each period's dossiers counted under the unit
-- their unit is part of today (dim_unit.current_unit_code), so that a series stays
-- comparable across the 2025 merger of communes. Units with no successor known for certain (districts,
-- departments whose successor is not verified) keep their own code and last name.
with dossier_processing as (
    select * from {{ ref('fct_dossier_processing') }}
),

units as (
    select * from {{ ref('dim_unit') }}
)

select
    f.period_id,
    coalesce(u.current_unit_code, u.unit_code) as current_unit_code,
    coalesce(u.current_unit_name, u.unit_name) as current_unit_name,
    u.current_unit_code is not null as has_current_unit,
    cast(count(distinct f.unit_code) as bigint) as units_merged,
    cast(sum(f.received_new_online) as bigint) as online_dossiers,
    cast(sum(f.received_new_online + f.received_new_offline) as bigint) as total_dossiers,
    {{ safe_ratio('sum(f.received_new_online)', 'sum(f.received_new_online + f.received_new_offline)') }} as rate
from dossier_processing as f
inner join units as u on u.unit_code = f.unit_code
group by 1, 2, 3, 4
