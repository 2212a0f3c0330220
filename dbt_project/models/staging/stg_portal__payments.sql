-- One row per payment transaction per extract day, from current loads only.
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
    _load_id as load_id
from {{ current_rows('payments', ['transaction_id']) }} as current_row
