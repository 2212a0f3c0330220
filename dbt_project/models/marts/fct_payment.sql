-- Every online payment transaction in its latest known state, with the day it was paid
-- (local day) and the unit's district: the grain the payment reports add up from.
with payment_transactions as (
    select * from {{ ref('int_payment_transactions') }}
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
    p.paid_day,
    p.refunded_at,
    p.channel,
    p.last_extract_date
from payment_transactions as p
left join units as u on u.unit_code = p.unit_code
