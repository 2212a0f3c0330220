-- Online payments in the layout of seed 000's appendix 5, for every day the extracts
-- cover: per unit and kind (land financial obligations; fees), the transactions paid and
-- their amount on the day, in the month to date and in the year to date; the same for
-- both kinds together (kind 'all'), and for the province (70, or 75 after the 2025 merger).
-- A transaction counts on the day it was paid while its latest status is paid: a refund
-- takes it out of every figure, a cancelled or pending one never counts.
-- Each day is reported in the structure in force on it: the units of the register that
-- have a place in the reports then, a unit that ended counting under its successor (seed
-- unit_crosswalk_2025), so that a year to date that spans the reform is summed under
-- today's units. A unit with neither counts only in the province's row.
with payment_extracts as (
    select * from {{ ref('stg_portal__payments') }}
),

payments as (
    select * from {{ ref('fct_payment') }}
),

unit_history as (
    select * from {{ ref('dim_unit_history') }}
),

crosswalk as (
    select * from {{ ref('unit_crosswalk_2025') }}
),


dates as (
    select * from {{ ref('dim_date') }}
),

-- the register's names and kinds (dim_unit's), for a row no structure names
unit_register as (
    select * from {{ ref('units') }}
),

span as (
    select min(extract_date) as first_day, max(extract_date) as last_day from payment_extracts
),

paid as (
    select paid_day, unit_code, kind, count(*) as transactions, sum(amount_vnd) as amount_vnd
    from payments
    where status = 'paid'
    group by paid_day, unit_code, kind
),

-- a structure starts wherever the units of the report, their names or places change
structure_starts as (
    select valid_from as structure_start from unit_history
    union
    select valid_until + 1 from unit_history where valid_until < cast('9999-12-31' as date)
    union
    select valid_from from crosswalk
),

days as (
    select d.date_day as report_date, d.month_start, d.year_start,
        (select max(s.structure_start) from structure_starts as s where s.structure_start <= d.date_day) as structure_start
    from dates as d
    cross join span
    where d.date_day between span.first_day and span.last_day
),

structures as (
    select structure_start, lead(structure_start) over (order by structure_start) as next_start
    from (select distinct structure_start from days) as s
),

report_units as (
    select s.structure_start, h.unit_code, h.unit_name, h.unit_kind, h.district_code, h.section, h.report_order,
        h.province_code
    from structures as s
    inner join unit_history as h
        on h.section is not null and s.structure_start between h.valid_from and h.valid_until
),

province as (
    -- the province the structure's units belong to (a structure's units are one province's:
    -- the portal's before the reform, the one it became part of after)
    select structure_start, min(province_code) as unit_code
    from report_units
    group by structure_start
),

-- under which unit of the structure each unit's payments count: itself, else its successor
counted_under as (
    select structure_start, unit_code, unit_code as report_unit_code from report_units
    union all
    select s.structure_start, w.old_code, w.new_code
    from structures as s
    inner join crosswalk as w on w.valid_from <= s.structure_start
    inner join report_units as r on r.structure_start = s.structure_start and r.unit_code = w.new_code
    where not exists (
        select 1 from report_units as x where x.structure_start = s.structure_start and x.unit_code = w.old_code)
),

mapped as (
    select m.structure_start, p.paid_day, m.report_unit_code as unit_code, p.kind,
        sum(p.transactions) as transactions, sum(p.amount_vnd) as amount_vnd
    from paid as p
    inner join counted_under as m on m.unit_code = p.unit_code
    group by m.structure_start, p.paid_day, m.report_unit_code, p.kind
    union all
    -- the province: every payment made in it, whichever unit collected it
    select v.structure_start, p.paid_day, v.unit_code, p.kind, sum(p.transactions), sum(p.amount_vnd)
    from paid as p
    cross join province as v
    group by v.structure_start, p.paid_day, v.unit_code, p.kind
),

by_kind as (
    select structure_start, paid_day, unit_code, kind, transactions, amount_vnd from mapped
    union all
    select structure_start, paid_day, unit_code, 'all', sum(transactions), sum(amount_vnd)
    from mapped group by structure_start, paid_day, unit_code
),

-- each structure's running sums start on the first day of its year, so that the days it
-- reports have their whole month and year to date
grid as (
    select k.structure_start, d.report_date, d.month_start, d.year_start, k.unit_code, k.kind,
        d.structure_start = k.structure_start as is_reported
    from days as d
    inner join (select distinct structure_start, unit_code, kind from by_kind) as k
        on d.report_date >= date_trunc('year', k.structure_start)
    inner join structures as s
        on s.structure_start = k.structure_start and (s.next_start is null or d.report_date < s.next_start)
),

daily as (
    select g.*,
        coalesce(b.transactions, 0) as day_transactions,
        coalesce(b.amount_vnd, 0) as day_amount_vnd
    from grid as g
    left join by_kind as b
        on b.structure_start = g.structure_start and b.paid_day = g.report_date
        and b.unit_code = g.unit_code and b.kind = g.kind
),

summed as (
    select d.*,
        sum(d.day_transactions) over month_to_date as mtd_transactions,
        sum(d.day_amount_vnd) over month_to_date as mtd_amount_vnd,
        sum(d.day_transactions) over year_to_date as ytd_transactions,
        sum(d.day_amount_vnd) over year_to_date as ytd_amount_vnd
    from daily as d
    window
        month_to_date as (partition by d.structure_start, d.unit_code, d.kind, d.month_start order by d.report_date),
        year_to_date as (partition by d.structure_start, d.unit_code, d.kind, d.year_start order by d.report_date)
)

select
    s.report_date,
    s.unit_code,
    coalesce(r.unit_name, h.unit_name, u.unit_name) as unit_name,
    coalesce(r.unit_kind, u.unit_kind) as unit_kind,
    r.district_code,
    r.section,
    cast(r.report_order as integer) as report_order,
    v.unit_code is not null as is_province,
    s.kind,
    case s.kind
        when 'land_obligation' then 'Nghĩa vụ tài chính đất đai'
        when 'fee' then 'Phí, lệ phí'
        else 'Tổng cộng'
    end as kind_label,
    cast(s.day_transactions as bigint) as day_transactions,
    cast(s.day_amount_vnd as bigint) as day_amount_vnd,
    cast(s.mtd_transactions as bigint) as mtd_transactions,
    cast(s.mtd_amount_vnd as bigint) as mtd_amount_vnd,
    cast(s.ytd_transactions as bigint) as ytd_transactions,
    cast(s.ytd_amount_vnd as bigint) as ytd_amount_vnd,
    s.month_start < span.first_day as is_mtd_partial,
    s.year_start < span.first_day as is_ytd_partial
from summed as s
cross join span
left join report_units as r on r.structure_start = s.structure_start and r.unit_code = s.unit_code
left join province as v on v.structure_start = s.structure_start and v.unit_code = s.unit_code
left join unit_history as h
    on h.unit_code = s.unit_code and s.report_date between h.valid_from and h.valid_until
left join unit_register as u on u.unit_code = s.unit_code
where s.is_reported
  -- a unit with no place in the structure and no successor in it: only the province counts it
  and (r.unit_code is not null or v.unit_code is not null)
