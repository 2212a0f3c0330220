-- Every delivered dossier row (every load, current or not), renamed and cast. The
-- applicant's name, phone and address stop here; the ID number goes on only as far as
-- staging's join with its pseudonym.
with source as (
    select * from {{ source('portal', 'dossiers') }}
)

select
    dossier_code,
    procedure_code,
    unit_code,
    field_code,
    cast(channel as integer) as channel,
    cast(status as integer) as status,
    submitted_at,
    received_at,
    due_at,
    finished_at,
    returned_at,
    supplement_requested_at,
    closed_at,
    apology_sent_at,
    components_digitized,
    result_digitized,
    digitized_data_reused,
    fee_required,
    paid_online,
    updated_at,
    applicant_id_number,
    _extract_date as extract_date,
    _load_id as load_id,
    _row_number as file_row_number
from source
