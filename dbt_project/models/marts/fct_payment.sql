-- Every online payment transaction in its latest known state, with the day it was paid
-- (local day) and the unit's district: the grain the payment reports add up from.
with payments as (
    select * from {{ ref('stg_portal__payments') }}
),

-- each transaction's latest extract (row_number: Spark has no distinct on)
latest as (
    select *, row_number() over (partition by transaction_id order by extract_date desc) as version_rank
    from payments
),

units as (
    select * from {{ ref('dim_unit') }}
)

select
    p.transaction_id,
    p.dossier_code,
    p.unit_code,
    u.district_code,
    p.kind,
    p.amount_vnd,
    p.status,
    p.created_at,
    p.paid_at,
    cast(p.paid_at as date) as paid_day,
    p.refunded_at,
    p.channel,
    p.extract_date as last_extract_date
from latest as p
left join units as u on u.unit_code = p.unit_code
where p.version_rank = 1
