-- Online payments in the layout of seed 000's appendix 5, for every day the extracts
-- cover: per unit and kind (land financial obligations; fees), the transactions paid and
-- their amount on the day, in the month to date and in the year to date; the same for
-- both kinds together (kind 'all'), and for the province (unit_code '70').
-- A transaction counts on the day it was paid while its latest status is paid: a refund
-- takes it out of every figure, a cancelled or pending one never counts.
with span as (
    select min(extract_date) as first_day, max(extract_date) as last_day from {{ ref('stg_portal__payments') }}
),

paid as (
    select paid_day, unit_code, kind, count(*) as transactions, sum(amount_vnd) as amount_vnd
    from {{ ref('fct_payment') }}
    where status = 'paid'
    group by paid_day, unit_code, kind
),

by_kind as (
    select paid_day, unit_code, kind, transactions, amount_vnd from paid
    union all
    select paid_day, unit_code, 'all', sum(transactions), sum(amount_vnd) from paid group by paid_day, unit_code
),

with_province as (
    select * from by_kind
    union all
    select paid_day, '70', kind, sum(transactions), sum(amount_vnd) from by_kind group by paid_day, kind
),

grid as (
    select d.date_day as report_date, d.month_start, d.year_start, k.unit_code, k.kind
    from {{ ref('dim_date') }} as d
    cross join (select distinct unit_code, kind from with_province) as k
    cross join span
    where d.date_day between span.first_day and span.last_day
),

daily as (
    select g.*,
        coalesce(w.transactions, 0) as day_transactions,
        coalesce(w.amount_vnd, 0) as day_amount_vnd
    from grid as g
    left join with_province as w on w.paid_day = g.report_date and w.unit_code = g.unit_code and w.kind = g.kind
)

select
    d.report_date,
    d.unit_code,
    coalesce(h.unit_name, u.unit_name) as unit_name,
    u.unit_kind,
    u.district_code,
    d.kind,
    case d.kind
        when 'land_obligation' then 'Nghĩa vụ tài chính đất đai'
        when 'fee' then 'Phí, lệ phí'
        else 'Tổng cộng'
    end as kind_label,
    cast(d.day_transactions as bigint) as day_transactions,
    cast(d.day_amount_vnd as bigint) as day_amount_vnd,
    cast(sum(d.day_transactions) over month_to_date as bigint) as mtd_transactions,
    cast(sum(d.day_amount_vnd) over month_to_date as bigint) as mtd_amount_vnd,
    cast(sum(d.day_transactions) over year_to_date as bigint) as ytd_transactions,
    cast(sum(d.day_amount_vnd) over year_to_date as bigint) as ytd_amount_vnd,
    d.month_start < span.first_day as is_mtd_partial,
    d.year_start < span.first_day as is_ytd_partial
from daily as d
cross join span
left join {{ ref('dim_unit') }} as u on u.unit_code = d.unit_code
left join {{ ref('dim_unit_history') }} as h
    on h.unit_code = d.unit_code and d.report_date between h.valid_from and h.valid_until
window
    month_to_date as (partition by d.unit_code, d.kind, d.month_start order by d.report_date),
    year_to_date as (partition by d.unit_code, d.kind, d.year_start order by d.report_date)
