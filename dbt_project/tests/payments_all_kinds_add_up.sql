-- rpt_payments: kind 'all' is land obligations plus fees, and the province is the sum of
-- its units, for the day, month to date and year to date. Rows returned break it.
with kinds as (
    select report_date, unit_code,
        sum(case when kind <> 'all' then ytd_amount_vnd end) as parts_ytd,
        sum(case when kind = 'all' then ytd_amount_vnd end) as all_ytd,
        sum(case when kind <> 'all' then day_transactions end) as parts_day,
        sum(case when kind = 'all' then day_transactions end) as all_day
    from {{ ref('rpt_payments') }}
    group by report_date, unit_code
),

province as (
    select report_date, kind,
        sum(case when unit_code <> '70' then mtd_amount_vnd end) as units_mtd,
        sum(case when unit_code = '70' then mtd_amount_vnd end) as province_mtd
    from {{ ref('rpt_payments') }}
    group by report_date, kind
)

select 'kinds' as broken, report_date, unit_code as subject from kinds
where parts_ytd <> all_ytd or parts_day <> all_day
union all
select 'province', report_date, kind from province where units_mtd <> province_mtd
