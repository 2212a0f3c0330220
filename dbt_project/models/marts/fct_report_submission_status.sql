-- For every reporting obligation (seed report_obligations), unit and reporting period
-- that the extracts reach: whether the unit entered it (latest status entered or
-- submitted; returned entries do not count), when, and whether by the due date. GRIS
-- forms are due from every commune each quarter; LRIS indicators from the department
-- each is assigned to, each month.
with report_submissions as (
    select * from {{ ref('stg_portal__report_submissions') }}
),

report_periods as (
    select * from {{ ref('dim_report_period') }}
),

report_obligations as (
    select * from {{ ref('report_obligations') }}
),

units as (
    select * from {{ ref('dim_unit') }}
),

unit_history as (
    select * from {{ ref('dim_unit_history') }}
),

span as (
    select min(extract_date) as first_day, max(extract_date) as last_day
    from report_submissions
),

-- the calendar months and quarters, with their labels, from the one table that defines report
-- periods (those the daily extracts reach: every source arrives with the dossiers)
periods as (
    select period_kind as frequency, period_start, period_end, period_label
    from report_periods
    where period_kind in ('month', 'quarter')
),

obligations as (
    select o.system, o.form_code, o.form_name, o.frequency, o.due_days, u.unit_code, p.period_start,
        p.period_end, p.period_label, p.period_end + o.due_days as due_date
    from report_obligations as o
    inner join periods as p on p.frequency = o.frequency
    inner join units as u
        on (o.unit_code is not null and u.unit_code = o.unit_code)
        or (o.unit_code is null and u.unit_kind = o.unit_kind)
    cross join span
    where p.period_start between o.valid_from and coalesce(o.valid_to, p.period_start)
      and p.period_start >= u.valid_from and (u.valid_to is null or p.period_start <= u.valid_to)
      -- a unit of the platform's reports then (not the former Đồng Nai's; today's Đồng Nai after 2025)
      and exists (
          select 1 from unit_history as v
          where v.unit_code = u.unit_code and v.section is not null
            and p.period_start between v.valid_from and v.valid_until)
      -- periods whose entries the extracts could hold: ended by the last extract, due after the first
      and p.period_end <= span.last_day and p.period_end + o.due_days >= span.first_day
),

latest_entry as (
    select * from (
        select *, row_number() over (
            partition by system, form_code, unit_code, period_start order by extract_date desc, updated_at desc
        ) as entry_rank
        from report_submissions
    ) as ranked
    where entry_rank = 1
)

select
    o.system,
    o.form_code,
    o.form_name,
    o.unit_code,
    coalesce(h.unit_name, u.unit_name) as unit_name,
    -- the district as at the period's end: none after the 2025 reform, when the tier was abolished
    case when h.unit_code is null then u.district_code else h.district_code end as district_code,
    case when h.unit_code is null then u.district_name else dh.unit_name end as district_name,
    o.frequency,
    o.period_start,
    o.period_end,
    o.period_label,
    o.due_date,
    e.status as entry_status,
    e.submitted_at,
    coalesce(e.status in ('entered', 'submitted'), false) as is_entered,
    coalesce(e.status in ('entered', 'submitted') and cast(e.submitted_at as date) <= o.due_date, false) as is_entered_on_time,
    case when e.status in ('entered', 'submitted') then 'Đã nhập liệu báo cáo' else 'Chưa nhập liệu báo cáo' end as entry_label,
    o.due_date > s.last_day as is_open,
    o.period_start < s.first_day as is_partial  -- entries made before the first extract are unseen
from obligations as o
cross join span as s
inner join units as u on u.unit_code = o.unit_code
left join unit_history as h
    on h.unit_code = o.unit_code and o.period_end between h.valid_from and h.valid_until
left join unit_history as dh
    on dh.unit_code = h.district_code and o.period_end between dh.valid_from and dh.valid_until
left join latest_entry as e
    on e.system = o.system and e.form_code = o.form_code and e.unit_code = o.unit_code and e.period_start = o.period_start
