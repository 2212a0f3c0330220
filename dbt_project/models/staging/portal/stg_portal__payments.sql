-- One row per payment transaction per extract day, from current loads only.
with payments as (
    select * from {{ current_rows('base_portal__payments', ['transaction_id']) }} as current_row
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
    refunded_at,
    channel,
    updated_at,
    extract_date,
    load_id
from payments
