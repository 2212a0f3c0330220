-- Findings on the portal's daily extracts (dossiers, payments): rows that name a unit which, on the row's extract
-- day, is not a unit of the platform's reports (for example a district after 01/07/2025,
-- when the tier was abolished, or a commune merged into another). Per load, day and unit:
-- the rows, the unit's last day, and its successor where the register names one (whose
-- figures the reports then count them under), else why not.
with dossier_versions as (
    select * from {{ ref('int_dossier_versions') }}
),

loads as (
    select * from {{ ref('base_portal__loads') }}
),

payments as (
    select * from {{ ref('stg_portal__payments') }}
),

units as (
    select * from {{ ref('dim_unit') }}
),

crosswalk as (
    select * from {{ ref('unit_crosswalk_2025') }}
),

unit_history as (
    select * from {{ ref('dim_unit_history') }}
),

-- A dossier's versions are its rows in the current loads, one per extract day: counted from
-- that table, not from the staging view, whose dedupe window over every row would run again.
-- A day has one current dossiers load, the one those rows came in.
named as (
    select 'dossiers' as source, loads.load_id, dossier_versions.valid_from as extract_date,
        dossier_versions.unit_code, count(*) as extract_rows
    from dossier_versions
    inner join loads
        on loads.source_name = 'dossiers' and loads.is_current and loads.extract_date = dossier_versions.valid_from
    group by loads.load_id, dossier_versions.valid_from, dossier_versions.unit_code
    union all
    select 'payments', load_id, extract_date, unit_code, count(*)
    from payments
    group by load_id, extract_date, unit_code
)

select
    n.source,
    n.load_id,
    n.extract_date,
    n.unit_code,
    u.unit_name,
    u.valid_to as unit_last_day,
    nullif(w.new_code, '') as successor_code,
    w.new_name as successor_name,
    coalesce(w.basis, case
        when u.unit_code is null then 'not in the register'
        else '{{ dbt.escape_single_quotes("not a unit of the platform's reports on that day, and no successor by then") }}'
    end) as basis,
    cast(n.extract_rows as bigint) as extract_rows
from named as n
left join units as u on u.unit_code = n.unit_code
left join crosswalk as w on w.old_code = n.unit_code and w.valid_from <= n.extract_date
where not exists (
    select 1 from unit_history as h
    where h.unit_code = n.unit_code and n.extract_date between h.valid_from and h.valid_until and h.section is not null)
