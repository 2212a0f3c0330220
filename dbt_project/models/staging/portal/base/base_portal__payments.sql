-- Every delivered payment row (every load), renamed and cast.
with source as (
    select * from {{ source('portal', 'payments') }}
)

select
    transaction_id,
    dossier_code,
    unit_code,
    kind,
    cast(amount_vnd as bigint) as amount_vnd,
    status,
    created_at,
    paid_at,
    refunded_at,
    channel,
    updated_at,
    _extract_date as extract_date,
    _load_id as load_id,
    _row_number as file_row_number
from source
