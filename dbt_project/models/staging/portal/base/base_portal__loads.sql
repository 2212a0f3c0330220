-- One row per delivered file, as the load manifest has it. `is_current` is the one
-- definition of the loads staging reads (the filter lives in macro current_rows, on this
-- column); `rebuild_pending` marks the loads an incremental build must recompute.
with source as (
    select * from {{ source('portal', 'load_manifest') }}
)

select
    load_id,
    source as source_name,
    extract_date,
    file_name,
    status,
    status = 'current' as is_current,
    rebuild_pending,
    received_at
from source
