-- Every online payment transaction in its latest known state (the row of its latest
-- extract): what the payment mart reports and what the dossiers' first payment day is
-- taken from.
with payments as (
    select * from {{ ref('stg_portal__payments') }}
),

ranked as (
    select *,
        row_number() over (partition by transaction_id order by extract_date desc) as newest_first
    from payments
)

select
    transaction_id,
    dossier_code,
    unit_code,
    kind,
    amount_vnd,
    status,
    created_at,
    paid_at,
    cast(paid_at as date) as paid_day,
    refunded_at,
    channel,
    extract_date as last_extract_date
from ranked
where newest_first = 1
