-- rpt_payments: kind 'all' is land obligations plus fees, and the province's month to date
-- is its units' plus the payments of units that have no place in the day's report (nor a
-- successor in it), at each month's end and on the last day. Rows returned break it.
with kinds as (
    select report_date, unit_code,
        sum(case when kind <> 'all' then ytd_amount_vnd end) as parts_ytd,
        sum(case when kind = 'all' then ytd_amount_vnd end) as all_ytd,
        sum(case when kind <> 'all' then day_transactions end) as parts_day,
        sum(case when kind = 'all' then day_transactions end) as all_day
    from {{ ref('rpt_payments') }}
    group by report_date, unit_code
),

checked_days as (
    select distinct report_date from {{ ref('rpt_payments') }}
    where extract(day from report_date + 1) = 1
       or report_date = (select max(report_date) from {{ ref('rpt_payments') }})
),

in_report as (
    select d.report_date, h.unit_code
    from checked_days as d
    inner join {{ ref('dim_unit_history') }} as h
        on h.section is not null and d.report_date between h.valid_from and h.valid_until
),

outside as (
    select d.report_date, f.kind, sum(f.amount_vnd) as amount_vnd
    from checked_days as d
    inner join {{ ref('fct_payment') }} as f
        on f.status = 'paid' and f.paid_day between date_trunc('month', d.report_date) and d.report_date
    where not exists (select 1 from in_report as r where r.report_date = d.report_date and r.unit_code = f.unit_code)
      and not exists (
          select 1 from {{ ref('unit_crosswalk_2025') }} as w
          inner join in_report as r on r.unit_code = w.new_code
          where w.old_code = f.unit_code and w.valid_from <= d.report_date and r.report_date = d.report_date)
    group by d.report_date, f.kind
),

province as (
    select p.report_date, p.kind,
        sum(case when not p.is_province then p.mtd_amount_vnd end) as units_mtd,
        sum(case when p.is_province then p.mtd_amount_vnd end) as province_mtd
    from {{ ref('rpt_payments') }} as p
    inner join checked_days as d on d.report_date = p.report_date
    where p.kind <> 'all'
    group by p.report_date, p.kind
)

select 'kinds' as broken, report_date, unit_code as subject from kinds
where parts_ytd <> all_ytd or parts_day <> all_day
union all
select 'province', p.report_date, p.kind
from province as p
left join outside as o on o.report_date = p.report_date and o.kind = p.kind
where coalesce(p.units_mtd, 0) + coalesce(o.amount_vnd, 0) <> p.province_mtd
