-- The processing report in the layout of seed 000's appendix 4 (form II.06a style), for
-- every report period: section A provincial units (the land-registration branches
-- together as sub-row "10.1" under the natural-resources department; the land office and
-- the service centre after the departments), B district committees, C communes grouped by
-- district, a row per section and a grand total. A row is there when one of its units is
-- in force in the period (fct_dossier_processing has a row for each, zeros included); the
-- section and total rows come from the one roll-up (dim_unit_rollup) that the KPI marts
-- use, so the province's figures agree everywhere.
--
-- Beside resolved and pending, closed_otherwise counts the dossiers refused at reception,
-- withdrawn or stopped in the period, so that received = resolved + pending + closed
-- otherwise on every row by construction (dbt tests in _marts.yml). "Received = resolved
-- + pending" is a check of the units' own reports, which have no such column.
{% set measures = [
    'received_total', 'received_new_online', 'received_carried_over', 'received_new_offline',
    'resolved_total', 'resolved_on_time', 'resolved_overdue',
    'pending_total', 'pending_not_due', 'pending_overdue', 'closed_otherwise'] %}

with units as (
    select * from {{ ref('dim_report_period_unit') }}
),

dossier_processing as (
    select * from {{ ref('fct_dossier_processing') }}
),

unit_rollup as (
    select * from {{ ref('dim_unit_rollup') }}
),

report_periods as (
    select * from {{ ref('dim_report_period') }}
),

-- the report row each unit adds to in the period: its own; for a commune of a district
-- (before 2025) its district's; for a land-registration branch the branches' sub-row
-- under the natural-resources department
unit_rows as (
    select
        u.period_id,
        u.unit_code,
        u.section,
        u.section || '/' || case
            when u.unit_kind = 'land_branch' then 'LAND_BRANCHES'
            when u.unit_kind = 'commune' and d.unit_code is not null then d.unit_code
            else u.unit_code
        end as row_key,
        case
            when u.unit_kind = 'land_branch' then 'Các Chi nhánh VPĐK đất đai'
            when u.unit_kind = 'commune' and d.unit_code is not null then d.unit_name
            else u.unit_name
        end as row_label,
        case
            when u.unit_kind = 'land_branch' then t.report_order
            when u.unit_kind = 'commune' and d.unit_code is not null then d.report_order
            else u.report_order
        end as row_order,
        u.unit_kind = 'land_branch' as is_sub_row
    from units as u
    left join units as d on d.period_id = u.period_id and d.unit_code = u.district_code and d.unit_kind = 'district'
    left join units as t on t.period_id = u.period_id and t.unit_code = 'DEP-TNMT'
),

report_rows as (
    select distinct period_id, section, row_key, row_label, row_order, is_sub_row from unit_rows
),

detail as (
    select
        f.period_id, r.row_key,
        {% for m in measures %}cast(sum(f.{{ m }}) as bigint) as {{ m }}{{ ',' if not loop.last }}
        {% endfor %}
    from dossier_processing as f
    inner join unit_rows as r on r.period_id = f.period_id and r.unit_code = f.unit_code
    group by f.period_id, r.row_key
),

detail_rows as (
    select d.period_id, r.section, r.row_key, r.row_label, r.row_order, r.is_sub_row,
        {% for m in measures %}d.{{ m }}{{ ',' if not loop.last }}
        {% endfor %}
    from detail as d
    inner join report_rows as r on r.period_id = d.period_id and r.row_key = d.row_key
),

rolled_up as (
    select f.period_id, g.scope, g.scope_code, g.scope_name,
        {% for m in measures %}cast(sum(f.{{ m }}) as bigint) as {{ m }}{{ ',' if not loop.last }}
        {% endfor %}
    from dossier_processing as f
    inner join unit_rollup as g on g.period_id = f.period_id and g.unit_code = f.unit_code
    where g.scope in ('section', 'province')
    group by f.period_id, g.scope, g.scope_code, g.scope_name
),

numbered as (
    select *,
        case when is_sub_row
            then cast(row_order as {{ dbt.type_string() }}) || '.1'
            else cast(row_order as {{ dbt.type_string() }})
        end as stt
    from detail_rows
),

sections as (
    select period_id, scope_code as section, scope_name, {{ measures | join(', ') }} from rolled_up where scope = 'section'
),

grand_total as (
    select period_id, {{ measures | join(', ') }} from rolled_up where scope = 'province'
),

report as (
    select period_id, 'detail' as row_kind, section, stt, row_key, row_label,
        case section when 'A' then 1 when 'B' then 2 else 3 end * 1000 + row_order * 2 + case when is_sub_row then 1 else 0 end as sort_key,
        {{ measures | join(', ') }}
    from numbered
    union all
    select period_id, 'section', section, section, section, scope_name,
        case section when 'A' then 1 when 'B' then 2 else 3 end * 1000,
        {{ measures | join(', ') }}
    from sections
    union all
    select period_id, 'total', null, null, 'TOTAL', 'Tổng cộng', 9999,
        {{ measures | join(', ') }}
    from grand_total
)

select
    r.period_id,
    p.period_label,
    p.period_start,
    p.period_end,
    p.as_of_day,
    r.row_kind,
    r.section,
    r.stt,
    r.row_key,
    r.row_label,
    r.sort_key,
    {{ measures | join(', ') }}
from report as r
inner join report_periods as p on p.period_id = r.period_id
